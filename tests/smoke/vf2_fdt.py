#!/usr/bin/env python3
"""The VisionFive 2 boot script's device-tree fix-ups, run by a real U-Boot
(QEMU virt's) on the vendor U-Boot's own tree, and uEnv.txt as the vendor
U-Boot imports it (only its first 0x200 bytes). Prints `N passed, N failed`.

usage: vf2_fdt.py [--dtb-dir DIR] [--log FILE] [--machine-dump PROG]
  The lines between "lazyos-fixups-begin" and "-end" in
  boards/visionfive2/boot.cmd are compiled into a script of their own and
  sourced, so the test runs exactly what the board runs. With PROG
  (build/host/machine_dump) the fixed tree is saved from guest memory and
  read the way the kernel reads it. Without
  DIR/visionfive2-vendor-uboot.dtb it skips.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

from guest import Guest, GuestTimeout

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
BOARD = os.path.join(ROOT, "boards", "visionfive2")
FW_JUMP = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf"
UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
PROMPT = "=> "
# Where QEMU's loader puts the inputs, inside U-Boot's free RAM (-m 512M).
DTB_AT, SCRIPT_AT, UENV_AT = 0x88000000, 0x88200000, 0x88300000


def fixup_lines():
    """The fix-up block of boot.cmd, or None if it has none."""
    text = open(os.path.join(BOARD, "boot.cmd")).read()
    m = re.search(r"(?ms)^# lazyos-fixups-begin.*?\n(.*?)^# lazyos-fixups-end",
                  text)
    return m.group(1) if m else None


def make_script(body, tmp):
    src, scr = os.path.join(tmp, "fix.cmd"), os.path.join(tmp, "fix.scr")
    with open(src, "w") as f:
        f.write(body)
    subprocess.run(["mkimage", "-A", "riscv", "-O", "linux", "-T", "script",
                    "-C", "none", "-d", src, scr], check=True,
                   stdout=subprocess.DEVNULL)
    return scr


class UBoot:
    def __init__(self, dtb, script, log):
        loads = [(dtb, DTB_AT), (script, SCRIPT_AT),
                 (os.path.join(BOARD, "uEnv.txt"), UENV_AT)]
        argv = ["qemu-system-riscv64", "-M", "virt", "-smp", "1", "-m",
                "512M", "-nographic", "-bios", FW_JUMP, "-kernel", UBOOT]
        for path, addr in loads:
            argv += ["-device", f"loader,file={path},addr={addr:#x},"
                     "force-raw=on"]
        self.g = Guest(argv, log)
        self.g.expect(r"Hit any key to stop autoboot", 60)
        self.g.send("\n")
        self.g.expect(re.escape(PROMPT), 10)

    def cmd(self, line):
        """Runs one U-Boot command line; returns what it printed."""
        self.g.send(line + "\n")
        self.g.expect(re.escape(line) + r"\n", 20)
        start = self.g.pos
        m = self.g.expect(r"(?m)^" + re.escape(PROMPT), 60)
        return self.g.buf[start:m.start()]

    def fixed_tree(self, mem):
        """A fresh copy of the vendor tree, fixed up with memory_addr and
        memory_size set as in `mem` (None: unset); returns the output."""
        self.cmd(f"fdt move {DTB_AT:#x} ${{fdt_addr_r}} 0x40000")
        if mem:
            self.cmd(f"setenv memory_addr {mem[0]}; "
                     f"setenv memory_size {mem[1]}")
        else:
            self.cmd("setenv memory_addr; setenv memory_size")
        return self.cmd(f"source {SCRIPT_AT:#x}")

    def prop(self, path, name):
        out = self.cmd(f"fdt get value v {path} {name}; echo \"v=$v\"")
        m = re.search(r"v=(.*)", out)
        return m.group(1).strip() if m else out

    def reg(self, path):
        return re.sub(r"\s+", " ", self.cmd(f"fdt print {path} reg")).strip()

    def save_tree(self, path):
        """Writes the working tree at fdt_addr_r to host file `path`,
        through QEMU's monitor (Ctrl-A c toggles it on the console)."""
        addr = self.cmd("printenv fdt_addr_r").strip().split("=")[-1]
        self.g.send("\x01c")
        self.g.expect(r"\(qemu\) ", 10)
        # Quoted: unquoted, the monitor reads "/tmp" as a division.
        addr = "0x" + addr.removeprefix("0x")
        self.g.send(f'pmemsave {addr} 0x40000 "{path}"\n')
        self.g.expect(r"\(qemu\) ", 10)
        self.g.send("\x01c\n")
        self.g.expect(r"(?m)^" + re.escape(PROMPT), 10)

    def close(self):
        self.g.proc.kill()
        self.g.close()


def memory_cases(u, check):
    """2 and 8 GB boards, and a U-Boot that sets no memory variables."""
    mem = "/memory@80000000"
    cases = [("2 GB", ("0x40000000", "0x80000000"),
              "<0x00000000 0x40000000 0x00000000 0x80000000>"),
             ("8 GB", ("0x40000000", "0x200000000"),
              "<0x00000000 0x40000000 0x00000002 0x00000000>"),
             ("no memory_size", None,
              "<0x00000000 0x40000000 0x00000001 0x00000000>")]
    for name, vars_, want in cases:
        out = u.fixed_tree(vars_)
        check(f"{name}: script ran cleanly", "rror" not in out, out)
        got = u.reg(mem)
        check(f"{name}: memory reg", want in got, got)
        check(f"{name}: the script says what it did",
              ("memory set to" if vars_ else "left as it is") in out, out)


def tree_cases(u, check):
    out = u.fixed_tree(("0x40000000", "0x100000000"))
    check("cpu@0 (S7, no S-mode) disabled",
          u.prop("/cpus/cpu@0", "status") == "disabled", out)
    for hart in range(1, 5):
        check(f"cpu@{hart} (U74) still okay",
              u.prop(f"/cpus/cpu@{hart}", "status") == "okay")


def kernel_view(u, check, dump, tmp):
    """The 2 GB tree as the kernel reads it: 2 GiB of memory, hart 0 not
    usable, harts 1-4 usable."""
    u.fixed_tree(("0x40000000", "0x80000000"))
    path = os.path.join(tmp, "fixed.dtb")
    u.save_tree(path)
    run = subprocess.run([dump, path], capture_output=True, text=True)
    out = run.stdout
    check("kernel reads the fixed tree", run.returncode == 0, out)
    check("kernel sees 2 GiB at 0x40000000",
          re.findall(r"mem .*", out) == ["mem 0x40000000 0x80000000"], out)
    check("kernel will not start hart 0", "hart 0 usable 0" in out, out)
    check("kernel may start harts 1-4",
          all(f"hart {h} usable 1" in out for h in range(1, 5)), out)


def uenv_cases(u, check):
    """The vendor's `env import ${distroloadaddr} 200` keeps 512 bytes."""
    u.cmd(f"env import -t {UENV_AT:#x} 200")
    out = u.cmd("printenv bootcmd_lazyos")
    check("uEnv.txt: bootcmd_lazyos imported whole",
          out.rstrip().endswith("source ${scriptaddr}"), out)
    check("uEnv.txt: boot_targets",
          u.cmd("printenv boot_targets").strip() == "boot_targets=lazyos")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--dtb-dir", default=os.path.join(ROOT, "..", "shared",
                                                      "dtb"))
    ap.add_argument("--log", default=os.path.join(ROOT, "build",
                                                  "vf2-fdt-console.log"))
    ap.add_argument("--machine-dump", help="build/host/machine_dump")
    args = ap.parse_args()
    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        passed, failed = passed + bool(ok), failed + (not ok)
        print(f"vf2-fdt {name}: {'ok' if ok else 'FAILED ' + repr(detail)}")

    dtb = os.path.join(args.dtb_dir, "visionfive2-vendor-uboot.dtb")
    if not os.path.exists(dtb):
        print(f"vf2-fdt: skipped, no {dtb}")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    body = fixup_lines()
    check("boot.cmd has a fix-up block", body is not None)
    if body is None:
        print(f"{passed} passed, {failed} failed")
        return 1
    os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        u = UBoot(dtb, make_script(body, tmp), args.log)
        try:
            memory_cases(u, check)
            tree_cases(u, check)
            if args.machine_dump:
                kernel_view(u, check, args.machine_dump, tmp)
            uenv_cases(u, check)
        except GuestTimeout as e:
            check("U-Boot answered", False, str(e))
        u.close()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
