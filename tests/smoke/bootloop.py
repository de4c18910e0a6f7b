#!/usr/bin/env python3
"""Boot lazyos on QEMU many times: each boot must reach the shell prompt on
exactly one boot hart, with every hart running and none skipped, then halt
and end QEMU. Counts the boots that did not; prints `N passed, N failed`.

usage: bootloop.py --boots N [--jobs J] [--harts H] [--log-dir DIR]
                   -- QEMU-ARGV...
QEMU runs with -snapshot, so parallel boots can share one disk image.
"""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import threading

from guest import Guest, GuestTimeout, PROMPT

BOOT_LINE = re.compile(r"lazyos: booting on hart")
RUNNING = re.compile(r"lazyos: (\d+) harts running")
BAD = re.compile(r"panic|skipped")
# Not a failure: firmware sent a hart to the cold-boot entry and the kernel
# adopted it (counted, to show how often the entry lottery matters).
ADOPTED = re.compile(r"sent it to the cold-boot entry")


def boot_once(argv, log, harts, timeout):
    """One boot to the prompt and halt. Returns (what went wrong or None,
    whether a misdirected hart was adopted)."""
    g = Guest(argv + ["-snapshot"], log)
    try:
        g.expect(r"(?m)^" + re.escape(PROMPT), timeout)
        g.send("halt\n")
        try:
            g.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pass  # close() kills it; the exit status then says so
        g.reader.join(10)  # the whole log is written before it closes
        rc = g.close(timeout)
    except GuestTimeout as e:
        g.proc.kill()
        g.close()
        return f"no prompt: {e}", False
    text = open(log, errors="replace").read()
    return check_log(text, harts, rc), bool(ADOPTED.search(text))


def check_log(text, harts, rc):
    """What is wrong with a finished boot's console log, or None."""
    booted = len(BOOT_LINE.findall(text))
    running = RUNNING.search(text)
    if booted != 1:
        return f"{booted} 'booting on hart' lines, want 1"
    if running is None or int(running.group(1)) != harts:
        return f"harts running: {running and running.group(1)}, want {harts}"
    if BAD.search(text):
        return f"console says: {BAD.search(text).group(0)!r}"
    if rc != 0:
        return f"QEMU exit status {rc} after halt"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--boots", type=int, required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--harts", type=int, default=4,
                    help="harts each boot must report running")
    ap.add_argument("--log-dir", default="build/bootloop")
    ap.add_argument("--timeout", type=float, default=180,
                    help="seconds a boot may take to reach the prompt")
    ap.add_argument("qemu", nargs="+", help="QEMU command line")
    args = ap.parse_args()
    if args.boots < 1 or args.jobs < 1:
        ap.error("--boots and --jobs must be at least 1")
    os.makedirs(args.log_dir, exist_ok=True)

    done = failed = adopted = 0
    lock = threading.Lock()

    def one(i):
        nonlocal done, failed, adopted
        log = os.path.join(args.log_dir, f"boot-{i}.log")
        why, adopt = boot_once(args.qemu, log, args.harts, args.timeout)
        with lock:
            done += 1
            adopted += adopt
            if why:
                failed += 1
                print(f"boot {i}: FAILED: {why} (log {log})", flush=True)
            else:
                os.remove(log)
            # Progress now and then: a long run must show it is alive.
            if done % 25 == 0 or done == args.boots:
                print(f"bootloop: {done}/{args.boots} boots, {failed} failed, "
                      f"{adopted} with a hart adopted from the entry",
                      flush=True)

    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        list(pool.map(one, range(args.boots)))
    print(f"bootloop: {adopted} of {args.boots} boots adopted a hart the "
          f"firmware sent to the cold-boot entry")
    print(f"{args.boots - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
