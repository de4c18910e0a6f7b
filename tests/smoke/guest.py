"""Drive a lazyos guest on QEMU through its serial console.

Guest starts QEMU with the console on stdin/stdout, records everything the
guest prints to a log file, and lets a test wait for patterns and type
commands at the shell prompt.

Waits judge progress, not wall time: a timeout bounds the silence since the
guest last printed, and restarts whenever it prints, so a slow host does not
fail a guest that is still working. A guest that prints in a loop without
ever matching is stopped by a bound on the output instead.
"""
import bisect
import os
import re
import subprocess
import threading
import time

PROMPT = "$ "
# Characters an expect() reads without a match before it gives up.
MAX_OUTPUT = 4 * 1024 * 1024


class GuestTimeout(Exception):
    pass


class Guest:
    def __init__(self, argv, log_path):
        self.argv = argv
        self.log = open(log_path, "w", encoding="utf-8", errors="replace")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.buf = ""
        self.pos = 0  # output before this index has been consumed
        self.lock = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            data = os.read(self.proc.stdout.fileno(), 4096)
            if not data:
                break
            text = data.decode("utf-8", errors="replace").replace("\r", "")
            self.log.write(text)
            self.log.flush()
            with self.lock:
                self.buf += text
                self.lock.notify_all()
        with self.lock:
            self.lock.notify_all()

    def expect(self, pattern, timeout):
        """Waits for regex `pattern` in new output; returns the match and
        consumes output up to its end. Raises GuestTimeout after `timeout`
        seconds in which the guest printed nothing, after MAX_OUTPUT
        characters without a match, or when QEMU is gone."""
        rx = re.compile(pattern)
        with self.lock:
            start = seen = len(self.buf)
            deadline = time.monotonic() + timeout
            while True:
                m = rx.search(self.buf, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                if len(self.buf) != seen:  # progress: the silence restarts
                    seen = len(self.buf)
                    deadline = time.monotonic() + timeout
                left = deadline - time.monotonic()
                why = None
                if left <= 0:
                    why = f"{timeout}s without output"
                elif seen - start > MAX_OUTPUT:
                    why = f"{MAX_OUTPUT} characters of output"
                elif self.proc.poll() is not None and \
                        not self.reader.is_alive():
                    why = "QEMU exited"
                if why:
                    tail = self.buf[self.pos:][-300:]
                    raise GuestTimeout(f"no {pattern!r} after {why}; "
                                       f"last output: {tail!r}")
                self.lock.wait(min(left, 1.0))

    def send(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def run(self, command, timeout=120):
        """Types command at the prompt; returns what it printed before the
        next prompt (the echoed command line removed)."""
        self.send(command + "\n")
        self.expect(re.escape(command) + r"\n", timeout)
        start = self.pos
        m = self.expect(r"(?m)^" + re.escape(PROMPT), timeout)
        return self.buf[start:m.start()]

    def halt(self, check, no_poweroff=False):
        """Types halt and ends QEMU. Where the firmware can power off,
        QEMU must exit by itself with status 0 (one `check`); where it
        cannot (sifive_u), QEMU is stopped from outside."""
        self.send("halt\n")
        if no_poweroff:
            self.proc.terminate()
            self.close()
            return
        rc = self.close()
        check("halt ends QEMU", rc == 0, f"exit status {rc}")

    def close(self, timeout=60):
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        # The reader may still be writing QEMU's last output to the log.
        self.reader.join(timeout)
        self.log.close()
        return self.proc.returncode


def name_wait_channels(text, qemu_argv):
    """The usertests watchdog dumps each process of a stopped test with
    the kernel address it sleeps on ("  pid 7 usertests sleeping ... on
    0x8022c0e8"). Returns one line per such address naming the kernel
    symbol it lies in, from the ELF given to QEMU's -kernel (none if QEMU
    was given no ELF or nm is missing)."""
    addrs = sorted(set(re.findall(r"(?m)^  pid \d+ .* on (0x[0-9a-f]+)$",
                                  text)))
    elf = [a for a in qemu_argv if a.endswith(".elf") and "kernel" in a]
    if not addrs or not elf:
        return []
    try:
        out = subprocess.run(["riscv64-unknown-elf-nm", "-n", elf[-1]],
                             capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    syms = [(int(f[0], 16), f[2]) for f in
            (line.split() for line in out.splitlines()) if len(f) == 3]
    starts = [a for a, _ in syms]
    # Past the image's last symbol lie the pages the kernel allocates
    # (pipes, wait queues of processes): no symbol names those.
    image_end = max(a for a, name in syms if name == "kernel_end") \
        if any(name == "kernel_end" for _, name in syms) else None
    lines = []
    for addr in addrs:
        a = int(addr, 16)
        i = bisect.bisect_right(starts, a) - 1
        if image_end is not None and a >= image_end:
            lines.append(f"{addr} is in an allocated page (past kernel_end)")
        elif i >= 0:
            base, name = syms[i]
            lines.append(f"{addr} is {name}+{a - base:#x}")
    return lines
