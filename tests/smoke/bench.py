#!/usr/bin/env python3
"""Boot lazyos under QEMU with -icount (so rdinstret counts guest
instructions exactly), run lazybench and the file-system steps of fsbench
(each timed in host wall seconds), print the figures and halt.

usage: bench.py --log FILE [--fs-mib N] [--files N] -- QEMU-ARGV...
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


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--log", required=True)
    ap.add_argument("--fs-mib", type=int, default=64,
                    help="size of the sequential file (MiB)")
    ap.add_argument("--files", type=int, default=1000,
                    help="small files to create, list and unlink")
    ap.add_argument("qemu", nargs="+")
    args = ap.parse_args()
    g = Guest(args.qemu, args.log)
    try:
        g.expect(r"(?m)^" + re.escape(PROMPT), 120)
        out = g.run("lazybench", timeout=600)
        out += fs_steps(g, args.fs_mib, args.files)
        g.send("halt\n")
        g.close()
    except GuestTimeout as e:
        print(f"bench: {e}", file=sys.stderr)
        g.proc.kill()
        g.close()
        return 1
    print(out.strip())
    return 0 if re.search(r"(?m)^bench \S*fault\S* \d+", out) else 1


if __name__ == "__main__":
    sys.exit(main())
