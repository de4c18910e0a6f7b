#!/usr/bin/env python3
"""Boot lazyos under QEMU with -icount (so rdinstret counts guest
instructions exactly), run lazybench and the file-system steps of fsbench
(each also timed in host wall seconds), print the figures and halt. Then,
unless --no-smp, boot again without -icount on 1, 2 and 4 harts and run
`lazybench -faults N` (N processes faulting at once) for a faults-per-second
figure per hart count. That one is wall time: it depends on the host.

usage: bench.py --log FILE [--no-smp] [--fs-mib N] [--files N] -- QEMU-ARGV...
"""
import argparse
import re
import sys
import time

from guest import Guest, GuestTimeout, PROMPT


def fs_steps(g, mib, files):
    """Runs each fsbench step as its own command; adds its wall time."""
    out = ""
    steps = [f"write {mib}", f"read {mib}", f"create {files}", "ls",
             f"unlink {files}"]
    for step in steps:
        t0 = time.monotonic()
        text = g.run("fsbench " + step, timeout=1800)
        secs = time.monotonic() - t0
        name = "fs_" + step.split()[0]
        out += text + f"bench {name}_wall {secs:.2f} seconds\n"
    return out


def run_guest(argv, log, command, fs=None):
    """Boots argv, runs command at the prompt (then the fsbench steps for
    fs = (MiB, files) if given), halts; returns the output or None on a
    timeout."""
    g = Guest(argv, log)
    try:
        g.expect(r"(?m)^" + re.escape(PROMPT), 120)
        out = g.run(command, timeout=600)
        if fs:
            out += fs_steps(g, *fs)
        g.send("halt\n")
        g.close()
        return out
    except GuestTimeout as e:
        print(f"bench: {e}", file=sys.stderr)
        g.proc.kill()
        g.close()
        return None


def without_icount(argv, harts):
    """The same QEMU command line with -smp harts and no -icount."""
    out, skip = [], False
    for i, a in enumerate(argv):
        if skip:
            skip = False
            continue
        if a in ("-icount", "-smp"):
            skip = True
            continue
        out.append(a)
    return out + ["-smp", str(harts)]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--log", required=True)
    ap.add_argument("--no-smp", action="store_true",
                    help="skip the multi-hart faults-per-second runs")
    ap.add_argument("--fs-mib", type=int, default=64,
                    help="size of the sequential file (MiB)")
    ap.add_argument("--files", type=int, default=1000,
                    help="small files to create, list and unlink")
    ap.add_argument("qemu", nargs="+")
    args = ap.parse_args()
    out = run_guest(args.qemu, args.log, "lazybench; schedbench",
                    (args.fs_mib, args.files))
    if out is None:
        return 1
    print(out.strip())
    ok = re.search(r"(?m)^bench \S*fault\S* \d+", out) is not None
    if args.no_smp:
        return 0 if ok else 1
    rates = {}
    for harts in (1, 2, 4):
        log = f"{args.log}.smp{harts}"
        out = run_guest(without_icount(args.qemu, harts), log,
                        f"lazybench -faults {harts}")
        m = re.search(r"(?m)^bench faults_per_second (\d+)", out or "")
        if not m:
            print(f"bench: no faults-per-second figure on {harts} harts; "
                  f"see {log}", file=sys.stderr)
            ok = False
            continue
        rates[harts] = int(m.group(1))
        print(f"bench faults_per_second_{harts}_harts {m.group(1)} faults/s")
    if rates:
        print("\nfaults per second, wall time (host-dependent), "
              "one process per hart")
        for harts, rate in rates.items():
            print(f"  {harts} hart{'s' if harts > 1 else ' '} {rate:>12}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
