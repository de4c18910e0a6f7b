#!/usr/bin/env python3
"""Host test of guest.py's waits, with shell commands standing in for QEMU:
a guest that keeps printing is waited for beyond the silence bound, a silent
one and one printing in a loop are given up on. Also names a wait channel
from a watchdog dump (skipped without build/qemu-virt/kernel.elf).

usage: test_guest.py
"""
import os
import re
import sys
import tempfile

import guest
from guest import Guest, GuestTimeout, name_wait_channels

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
KERNEL = os.path.join(ROOT, "build", "qemu-virt", "kernel.elf")


def outcome(argv, pattern, timeout):
    """'match', or the GuestTimeout message."""
    with tempfile.TemporaryDirectory() as tmp:
        g = Guest(argv, os.path.join(tmp, "log"))
        try:
            g.expect(pattern, timeout)
            result = "match"
        except GuestTimeout as e:
            result = str(e)
        g.proc.kill()
        g.close()
    return result


def main():
    if len(sys.argv) > 1:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    passed = failed = 0

    def check(name, ok, detail):
        nonlocal passed, failed
        passed, failed = passed + ok, failed + (not ok)
        print(f"guest {name}: {'ok' if ok else 'FAILED ' + detail}")

    # 6 s of output, a line every 0.1 s, against a 4 s bound on silence.
    steady = ["sh", "-c", "for i in $(seq 60); do echo $i; sleep 0.1; done;"
              " echo DONE"]
    got = outcome(steady, r"DONE", 4)
    check("steady output outlasts the bound", got == "match", got)

    got = outcome(["sleep", "60"], r"DONE", 1)
    check("silence ends the wait", "without output" in got, got)

    guest.MAX_OUTPUT = 100000
    got = outcome(["yes"], r"DONE", 60)
    check("endless output ends the wait", "characters of output" in got, got)

    got = outcome(["true"], r"DONE", 60)
    check("QEMU gone ends the wait", "QEMU exited" in got, got)

    # A watchdog dump line gets the symbol its address lies in.
    skipped = 0
    if os.path.exists(KERNEL):
        nm = os.popen(f"riscv64-unknown-elf-nm {KERNEL}").read()
        ticks = re.search(r"(?m)^([0-9a-f]+) [bBdD] ticks$", nm)
        addr = f"{int(ticks.group(1), 16) + 4:#x}" if ticks else "0x0"
        dump = f"FAIL t: no progress\n  pid 9 usertests sleeping on {addr}\n"
        got = name_wait_channels(dump, ["qemu", "-kernel", KERNEL])
        check("wait channel named", got == [f"{addr} is ticks+0x4"],
              repr(got))
        end = re.search(r"(?m)^([0-9a-f]+) [bB] kernel_end$", nm)
        addr = f"{int(end.group(1), 16) + 0x1018:#x}" if end else "0x0"
        dump = f"  pid 9 usertests sleeping on {addr}\n"
        got = name_wait_channels(dump, ["qemu", "-kernel", KERNEL])
        check("allocated wait channel not named after a symbol",
              got == [f"{addr} is in an allocated page (past kernel_end)"],
              repr(got))
    else:
        skipped = 1
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
