#!/usr/bin/env python3
"""Boot lazyos on QEMU, use the shell as a person would, run the in-guest
test suites, and report `N passed, N failed` (each smoke check counts as one,
each in-guest test as one).

usage: smoke.py --log FILE [--readme FILE] [--suite CMD]... -- QEMU-ARGV...
"""
import argparse
import re
import sys

from guest import Guest, GuestTimeout, PROMPT, name_wait_channels


def wc_counts(path):
    data = open(path, "rb").read()
    return (data.count(b"\n"), len(data.split()), len(data))


def shell_checks(g, check, readme=None):
    """What a person types first at the prompt; each result goes to check."""
    out = g.run("echo hi")
    check("echo", out.strip() == "hi", repr(out))
    out = g.run("ls")
    check("ls", "README" in out and "sh" in out.split(), repr(out[:200]))
    out = g.run("mkdir d; echo x > d/f; cat d/f")
    check("mkdir/redirect/cat", out.strip() == "x", repr(out))
    if readme:
        out = g.run("cat README | wc")
        want = wc_counts(readme)
        got = tuple(int(x) for x in out.split()[:3]) if out.split() else ()
        check("cat README | wc", got == want, f"{out!r} want {want}")
    out = g.run("echo abc | grep b")
    check("pipe to grep", out.strip() == "abc", repr(out))


def run_suite(g, command, timeout):
    """Types an in-guest test command; returns its (passed, failed). A
    suite that ran no test counts as one failure."""
    g.send(command + "\n")
    start = g.pos
    m = g.expect(r"(?m)^(?:\S+: )?(\d+) passed, (\d+) failed", timeout)
    g.expect(r"(?m)^" + re.escape(PROMPT), 120)
    # The guest's own lines about failed tests go to the console log only;
    # repeat them here so the step's log (and CI's tail) says which failed.
    for line in re.findall(r"(?m)^.*FAIL.*$", g.buf[start:m.start()]):
        print(f"smoke '{command}': {line}")
    # What the processes of a stopped test were waiting on, by name.
    for line in name_wait_channels(g.buf[start:m.start()], g.argv):
        print(f"smoke '{command}': {line}")
    passed, failed = int(m.group(1)), int(m.group(2))
    return (passed, failed) if passed + failed else (0, 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--log", required=True, help="console log file")
    ap.add_argument("--readme", help="host copy of /README, for wc")
    ap.add_argument("--suite", action="append", default=[],
                    help="in-guest command printing 'N passed, N failed'")
    # Bounds on console silence, not on run time (see guest.py): the
    # in-guest watchdog stops a hung test well within them.
    ap.add_argument("--boot-timeout", type=float, default=300)
    ap.add_argument("--suite-timeout", type=float, default=600)
    ap.add_argument("--no-poweroff", action="store_true",
                    help="the machine cannot power off (QEMU sifive_u): "
                         "after halt, stop QEMU instead of checking its exit")
    ap.add_argument("qemu", nargs="+", help="QEMU command line")
    args = ap.parse_args()

    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"smoke {name}: ok")
        else:
            failed += 1
            print(f"smoke {name}: FAILED {detail}")

    g = Guest(args.qemu, args.log)
    try:
        g.expect(r"lazyos: booting", args.boot_timeout)
        g.expect(r"(?m)^" + re.escape(PROMPT), args.boot_timeout)
        check("boot to prompt", True)

        shell_checks(g, check, args.readme)
        for suite in args.suite:
            p, f = run_suite(g, suite, args.suite_timeout)
            passed += p
            failed += f
            print(f"smoke suite '{suite}': {p} passed, {f} failed")

        g.halt(check, args.no_poweroff)
    except GuestTimeout as e:
        check("guest responds", False, str(e))
        g.proc.kill()
        g.close()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
