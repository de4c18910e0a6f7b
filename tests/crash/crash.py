#!/usr/bin/env python3
"""Crash test: boot lazyos, run crashload (a write-heavy workload that
prints each operation it begins and completes), kill QEMU with SIGKILL at a
random moment, then check the image with fsck (which reads through the
journal) and against the printed operations; boot again, which recovers,
and check once more. Each boot also starts the next cut.

usage: crash.py --cuts N --image IMG --fsck FSCK --log LOG [--seed S]
                [--max-delay SECONDS] -- QEMU-ARGV...

QEMU-ARGV must use IMG as its disk. Prints one line per cut and ends with
"N passed, N failed".
"""
import argparse
import os
import random
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "smoke"))
from guest import Guest, GuestTimeout, PROMPT  # noqa: E402


def pattern(k, size):
    """The bytes crashload's operation k writes (its pattern())."""
    return bytes((k * 131 + i * 7 + (i >> 9)) & 0xFF for i in range(size))


def parse(text):
    """Operations from crashload's output: (done ops, the op in flight)."""
    done, begun = [], None
    for line in text.split("\n")[:-1]:  # a cut-off last line is ignored
        m = re.match(r"begin (\d+) (\w+) (\w+) (\d+)$", line)
        if m:
            begun = (int(m[1]), m[2], m[3], int(m[4]))
            continue
        m = re.match(r"done (\d+) (ok|fail)$", line)
        if m and begun and int(m[1]) == begun[0]:
            done.append(begun + (m[2] == "ok",))
            begun = None
    return done, begun


def model(done):
    """name -> ("file", k, size) or ("dir",) after the completed ops."""
    state = {}
    for k, op, name, size, ok in done:
        if not ok:
            if op == "write":
                state[name] = ("any",)  # a failed write may leave anything
            continue
        if op == "write":
            state[name] = ("file", k, size)
        elif op == "unlink":
            state.pop(name, None)
        else:
            state[name] = ("dir",)
    return state


def allowed(old, flight, name):
    """Acceptable states for name: its modelled one, or any the operation
    in flight could have left."""
    states = [old.get(name)]
    if flight and flight[2] == name:
        k, op, _, size = flight
        if op == "write":
            states.append(("prefix", k, size))
            if old.get(name) and old[name][0] == "file":
                states.append(("prefix",) + old[name][1:])
        elif op == "unlink":
            states.append(None)
        else:
            states.append(("dir",))
    return states


def fsck_out(fsck, image, *args):
    r = subprocess.run([fsck, image] + list(args), capture_output=True)
    return r.returncode, r.stdout


def matches(state, kind, size, data):
    if state is None:
        return False
    if state[0] == "any":
        return True
    if state[0] == "dir":
        return kind == 1
    if kind != 2:
        return False
    want = pattern(state[1], state[2])
    if state[0] == "file":
        return data == want
    return len(data) <= len(want) and data == want[:len(data)]


def verify(fsck, image, d, done, flight):
    """Problems found in directory d of image, as a list of strings."""
    code, out = fsck_out(fsck, image)
    if code != 0:
        return ["fsck: " + out.decode(errors="replace").strip()[-400:]]
    code, out = fsck_out(fsck, image, "--ls", "/" + d)
    if code != 0:
        return [f"/{d} is missing"]
    seen = {}
    for line in out.decode().splitlines():
        inum, kind, size, name = line.split(maxsplit=3)
        if name not in (".", ".."):
            seen[name] = (int(kind), int(size))
    old = model(done)
    problems = []
    for name in sorted(set(old) | set(seen) | ({flight[2]} if flight else set())):
        states = allowed(old, flight, name)
        if name not in seen:
            if None not in states:
                problems.append(f"{name}: lost (expected {old.get(name)})")
            continue
        kind, size = seen[name]
        data = b""
        if kind == 2:
            data = fsck_out(fsck, image, "--dump", f"/{d}/{name}")[1]
        if not any(matches(s, kind, size, data) for s in states):
            problems.append(f"{name}: type {kind} size {size} matches none "
                            f"of {states}")
    return problems


def boot(argv, log):
    g = Guest(argv, log)
    g.expect(r"(?m)^" + re.escape(PROMPT), 300)
    return g


def kill(g):
    os.kill(g.proc.pid, signal.SIGKILL)
    g.proc.wait()
    g.reader.join(10)
    g.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cuts", type=int, required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--fsck", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--max-delay", type=float, default=6.0)
    ap.add_argument("qemu", nargs="+")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rnd = random.Random(seed)
    print(f"crash: seed {seed}, {args.cuts} cuts")
    passed = failed = 0
    pending = None  # the last cut, checked again after recovery
    for cut in range(args.cuts + 1):
        g = boot(args.qemu, f"{args.log}.{cut}")
        if pending:
            d, done, flight = pending
            probs = verify(args.fsck, args.image, d, done, flight)
            ok = not probs
            passed, failed = passed + ok, failed + (not ok)
            print(f"crash: cut {cut - 1}: {len(done)} operations done, "
                  f"in flight {flight}: "
                  + ("ok" if ok else "FAIL after recovery"))
            for p in probs:
                print("  " + p)
        if cut == args.cuts:
            g.send("halt\n")
            g.close()
            break
        d = f"c{cut}"
        g.send(f"crashload {d} {rnd.randrange(1, 1 << 30)}\n")
        g.expect("crashload: running", 60)
        start = g.pos
        time.sleep(rnd.uniform(0.2, args.max_delay))
        kill(g)
        done, flight = parse(g.buf[start:])
        # Before recovery: fsck reads the committed journal as the kernel
        # will replay it.
        probs = verify(args.fsck, args.image, d, done, flight)
        if probs:
            failed += 1
            print(f"crash: cut {cut}: FAIL before recovery")
            for p in probs:
                print("  " + p)
            pending = None
        else:
            pending = (d, done, flight)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except GuestTimeout as e:
        print(f"crash: {e}")
        print("0 passed, 1 failed")
        sys.exit(1)
