#!/usr/bin/env python3
"""One boot of lazyos on QEMU that checks the hart bring-up: exactly one hart
boots, the expected number of harts runs, each expected hart is skipped
with its reason on the console, the shell answers and halt works.

With --fdtput, the machine's own device tree is dumped (-machine
...,dumpdtb=F), edited with fdtput and booted with -dtb: a doctored tree,
made at test time, nothing binary kept. Prints `N passed, N failed`.

usage: hartboot.py --log FILE --harts N [--skip HART:TEXT]...
                   [--fdtput 'NODE PROP VALUE']... [--expect REGEX]...
                   [--no-poweroff]
                   -- QEMU-ARGV...
"""
import argparse
import os
import re
import subprocess
import sys

from guest import Guest, GuestTimeout
from smoke import shell_checks


def doctored_tree(argv, edits, path):
    """Dumps the tree QEMU makes for argv into path and applies the edits
    ("NODE PROP VALUE", VALUE a string). Returns None, or what failed."""
    machine = argv[argv.index("-machine") + 1].split(",")[0]
    dump = argv + ["-machine", f"{machine},dumpdtb={path}"]
    r = subprocess.run(dump, capture_output=True, text=True, timeout=120)
    if not os.path.exists(path):
        return f"QEMU wrote no tree: {r.stdout}{r.stderr}"
    for edit in edits:
        node, prop, value = edit.split(" ", 2)
        r = subprocess.run(["fdtput", "-t", "s", path, node, prop, value],
                           capture_output=True, text=True)
        if r.returncode != 0:
            return f"fdtput {edit!r}: {r.stderr.strip()}"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--log", required=True, help="console log file")
    ap.add_argument("--harts", type=int, required=True,
                    help="harts that must be running")
    ap.add_argument("--skip", action="append", default=[],
                    help="HART:TEXT, a hart that must be skipped, with TEXT "
                         "in its line")
    ap.add_argument("--fdtput", action="append", default=[],
                    help="'NODE PROP VALUE': boot a doctored tree")
    ap.add_argument("--expect", action="append", default=[],
                    help="REGEX the console must show by the end")
    ap.add_argument("--no-poweroff", action="store_true",
                    help="the machine cannot power off: stop QEMU instead")
    ap.add_argument("--timeout", type=float, default=180)
    ap.add_argument("qemu", nargs="+", help="QEMU command line")
    args = ap.parse_args()
    if "-machine" not in args.qemu:
        ap.error("the QEMU command line needs -machine")
    for s in args.skip:
        if not re.fullmatch(r"\d+:.+", s):
            ap.error(f"--skip wants HART:TEXT, not {s!r}")

    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        passed, failed = passed + bool(ok), failed + (not ok)
        print(f"hartboot {name}: {'ok' if ok else 'FAILED ' + detail}")

    argv = list(args.qemu)
    if args.fdtput:
        dtb = args.log + ".dtb"
        why = doctored_tree(argv, args.fdtput, dtb)
        check("doctored tree", why is None, why or "")
        if why:
            print(f"{passed} passed, {failed} failed")
            return 1
        argv += ["-dtb", dtb]

    g = Guest(argv, args.log)
    running = None
    try:
        # Not anchored at "lazyos: ": the test firmware's own line (a late
        # hart stopped) is printed by another hart at the same moment and
        # may land inside the start of the kernel's.
        running = int(g.expect(r"(\d+) harts running \(boot hart",
                               args.timeout).group(1))
        g.expect(r"(?m)^\$ ", args.timeout)
        shell_checks(g, check)
        g.halt(check, args.no_poweroff)
    except GuestTimeout as e:
        check("boot to the prompt", False, str(e))
        g.proc.kill()
        g.close()
    text = open(args.log, errors="replace").read()
    boots = re.findall(r"lazyos: booting on hart (\d+)", text)
    check("one boot hart", len(boots) == 1, f"{len(boots)} harts booted")
    check("no panic", "panic" not in text)
    for rx in args.expect:
        check(f"console shows {rx!r}", re.search(rx, text) is not None)
    want = args.harts
    for s in args.skip:
        hart, what = s.split(":", 1)
        line = re.search(rf"lazyos: hart {hart} skipped: .*", text)
        # Firmware may boot on the very hart the tree rules out: the
        # kernel then says so and runs there anyway, one hart more.
        if boots and boots[0] == hart:
            line = re.search(rf"lazyos: boot hart {hart}: the tree says .*",
                             text)
            want += 1
        check(f"hart {hart} skipped", line is not None and what in line.group(0),
              line.group(0) if line else "no such line")
    if running is not None:
        check("harts running", running == want, f"{running}, want {want}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
