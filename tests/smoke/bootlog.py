#!/usr/bin/env python3
"""The boot log a board owner reads, on QEMU virt: the console and root file
system lines of a good boot, and the expected / found / try lines of the
boots that stop for want of storage (no disk at all; a disk without a lazyos
file system). Prints `N passed, N failed`.

usage: bootlog.py --fs FS_IMG --workdir DIR
  FS_IMG is build/qemu-virt/fs.img; DIR receives the disk copies and the
  console logs (bootlog-*.log).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

from guest import Guest, GuestTimeout, PROMPT

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))


def qemu_argv(disk):
    """QEMU virt as `make qemu` runs it, with `disk` (None: no disk)."""
    extra = [f"DISK_IMG={disk}"] if disk else ["QEMU_DISK="]
    out = subprocess.check_output(["make", "-s", "--no-print-directory",
                                   "BOARD=qemu-virt", "print-qemu"] + extra,
                                  cwd=ROOT)
    return out.decode().split()


# Each boot: name, how to make its disk, the lines expected in order, and
# whether it reaches the shell (else it must stop with a panic).
def cases(fs, workdir):
    def copy_fs():
        path = os.path.join(workdir, "bootlog-good.img")
        shutil.copyfile(fs, path)
        return path

    def zero_disk():
        path = os.path.join(workdir, "bootlog-zero.img")
        with open(path, "wb") as f:
            f.truncate(4 << 20)
        return path

    return [
        ("good disk", copy_fs, [
            r"console: the /chosen stdout-path UART",
            r"blkdev: root disk virtio0",
            r"blkdev: root file system found on virtio0 at sector 0",
        ], True),
        ("no disk", lambda: None, [
            r"blkdev: no disk for the root file system",
            r"expected: a disk from a storage driver .* or an initrd",
            r"found: no disk registered",
            r"try: boot with the file system as initrd",
        ], False),
        ("disk without a file system", zero_disk, [
            r"blkdev: no lazyos file system on virtio0",
            r"expected: a GPT partition of type F1CC0AAE",
            r"found: a partition whose superblock magic is 0x0",
            r"try: write the card again with flash\.sh, or boot with the "
            r"file system as initrd",
        ], False),
    ]


def boot(name, disk, lines, to_shell, log, check):
    g = Guest(qemu_argv(disk), log)
    try:
        g.expect(r"lazyos: booting", 120)
        for pattern in lines:
            g.expect(pattern, 120)
            check(f"{name}: /{pattern}/", True)
        end = g.expect(r"(?m)^" + re.escape(PROMPT) + r"|panic: .*", 120)
        check(f"{name}: {'reaches the shell' if to_shell else 'stops'}",
              (end.group(0) == PROMPT) == to_shell, end.group(0))
        if to_shell:
            g.send("halt\n")
    except GuestTimeout as e:
        check(f"{name}: boot log", False, str(e))
    g.proc.kill()
    g.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--fs", required=True, help="build/qemu-virt/fs.img")
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()
    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        passed, failed = passed + bool(ok), failed + (not ok)
        print(f"bootlog {name}: {'ok' if ok else 'FAILED ' + repr(detail)}")

    os.makedirs(args.workdir, exist_ok=True)
    for i, (name, make_disk, lines, to_shell) in enumerate(
            cases(args.fs, args.workdir)):
        log = os.path.join(args.workdir, f"bootlog-{i}.log")
        boot(name, make_disk(), lines, to_shell, log, check)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
