#!/usr/bin/env python3
"""Boot lazyos on QEMU virt the way a board boots it: OpenSBI fw_jump, then
U-Boot, which finds boot.scr on the SD image (a virtio disk) and booti's
kernel.bin. Checks each stage; prints `N passed, N failed`.

usage: uboot.py [--image IMG] [--log FILE] [--shell]
  without --image, builds one with ./flash.sh --board qemu-virt
  --shell also expects the shell prompt, runs `echo hi` and `halt`
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

from guest import Guest, GuestTimeout, PROMPT
from smoke import shell_checks, run_suite

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
FW_JUMP = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf"
UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"

# What U-Boot and boot.scr print on the way, in order (boards/qemu-virt/
# boot.cmd). Each bound is on silence (guest.py), generous for a busy host.
STAGES = [
    ("U-Boot starts", r"U-Boot 20\d\d", 120),
    ("U-Boot finds boot.scr", r"Found U-Boot script /boot\.scr", 120),
    ("boot.scr runs", r"lazyos: boot\.scr on virtio 0:1", 120),
    ("kernel.bin loaded", r"\d+ bytes read", 120),
    ("booti moves the Image", r"Moving Image from 0x[0-9a-f]+ to 0x80200000",
     120),
    ("booti starts the kernel", r"Starting kernel \.\.\.", 120),
    ("kernel banner", r"lazyos: booting", 120),
]


def qemu_argv(image):
    return ["qemu-system-riscv64", "-M", "virt", "-smp", "4", "-m", "512M",
            "-nographic", "-bios", FW_JUMP, "-kernel", UBOOT,
            "-drive", f"file={image},format=raw,if=none,id=hd0",
            "-device", "virtio-blk-device,drive=hd0"]


def build_image(path):
    subprocess.run([os.path.join(ROOT, "flash.sh"), "--board", "qemu-virt",
                    "--image", path], check=True, stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--image", help="SD image made by flash.sh")
    ap.add_argument("--log", default=os.path.join(ROOT, "build",
                                                  "uboot-console.log"))
    ap.add_argument("--shell", action="store_true",
                    help="also expect the shell, type at it and halt")
    ap.add_argument("--readme", help="host copy of /README, for wc")
    ap.add_argument("--suite", action="append", default=[],
                    help="in-guest command printing 'N passed, N failed'")
    args = ap.parse_args()

    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        passed, failed = passed + ok, failed + (not ok)
        print(f"uboot {name}: {'ok' if ok else 'FAILED ' + detail}")

    with tempfile.TemporaryDirectory() as tmp:
        image = args.image or os.path.join(tmp, "sd.img")
        if not args.image:
            try:
                build_image(image)
            except subprocess.CalledProcessError:
                check("flash.sh makes the image", False)
                print(f"{passed} passed, {failed} failed")
                return 1
        os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
        g = Guest(qemu_argv(image), args.log)
        try:
            for name, pattern, timeout in STAGES:
                g.expect(pattern, timeout)
                check(name, True)
            name = "kernel reaches the shell"
            m = g.expect(r"(?m)^" + re.escape(PROMPT) + r"|panic:.*", 300)
            check(name, m.group(0) == PROMPT, m.group(0))
            if args.shell:
                name = "shell"
                shell_checks(g, check, args.readme)
                for suite in args.suite:
                    name = suite
                    p, f = run_suite(g, suite, 600)
                    passed, failed = passed + p, failed + f
                    print(f"uboot suite '{suite}': {p} passed, {f} failed")
                g.send("halt\n")
                check("halt ends QEMU", g.close() == 0)
        except GuestTimeout as e:
            check(name, False, str(e))
        if g.proc.poll() is None:
            # Show what the kernel said after its banner, for the record.
            start = g.buf.rfind("lazyos: booting")
            try:
                g.expect(r"(?m)panic:.*\n|^\$ ", 5)
            except GuestTimeout:
                pass
            if start >= 0:
                print("kernel said:\n  " +
                      g.buf[start:].rstrip().replace("\n", "\n  "))
            g.proc.kill()
            g.close()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
