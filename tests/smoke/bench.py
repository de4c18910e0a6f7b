#!/usr/bin/env python3
"""Boot lazyos under QEMU with -icount (so rdinstret counts guest
instructions exactly), run lazybench, print its figures and halt.

usage: bench.py --log FILE -- QEMU-ARGV...
"""
import argparse
import re
import sys

from guest import Guest, GuestTimeout, PROMPT


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--log", required=True)
    ap.add_argument("qemu", nargs="+")
    args = ap.parse_args()
    g = Guest(args.qemu, args.log)
    try:
        g.expect(r"(?m)^" + re.escape(PROMPT), 120)
        out = g.run("lazybench", timeout=600)
        out += g.run("schedbench", timeout=600)
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
