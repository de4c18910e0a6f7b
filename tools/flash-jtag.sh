# flash.sh's JTAG path, sourced by flash.sh: runs OpenOCD with the board's
# configuration and has gdb-multiarch load the kernel ELF and enter it on one
# hart as OpenSBI would. Uses flash.sh's die, step, check_input, need_tools.

jtag_load() {
    local cfg elf pid i status=0
    [ -n "$JTAG_CFG" ] || die "--jtag is not supported for board $BOARD" \
        "(no JTAG configuration in boards/$BOARD/board.mk)"
    [ -n "$FDT_ADDR" ] || bad_usage "--jtag needs --fdt-addr (U-Boot's" \
        "fdtcontroladdr: run 'printenv fdtcontroladdr' at its prompt)"
    cfg=$ROOT/boards/$BOARD/$JTAG_CFG
    elf=${KERNEL:-$ROOT/build/$BOARD/kernel.elf}
    check_input "kernel ELF" "$elf"
    [ "$(head -c 4 "$elf" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ] ||
        die "$elf is not an ELF file"
    need_tools openocd:openocd gdb-multiarch:gdb-multiarch
    step "starting openocd -f boards/$BOARD/$JTAG_CFG (log: $WORK/openocd.log)"
    openocd -f "$cfg" >"$WORK/openocd.log" 2>&1 &
    pid=$!
    OPENOCD_PID=$pid
    for i in $(seq 50); do
        grep -q 'Listening on port 3333' "$WORK/openocd.log" && break
        kill -0 "$pid" 2>/dev/null ||
            die "openocd stopped: $(tail -n 5 "$WORK/openocd.log")"
        sleep 0.2
    done
    grep -q 'Listening on port 3333' "$WORK/openocd.log" || {
        kill "$pid"
        die "openocd did not open port 3333 in 10 s"
    }
    write_gdb_script "$WORK/load.gdb"
    step "gdb-multiarch: load $elf; hart $HART: S-mode, satp=0, a0=$HART," \
        "a1=$FDT_ADDR, pc=_start; continue"
    gdb-multiarch -q -x "$WORK/load.gdb" "$elf" || status=$?
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return "$status"
}

# The state OpenSBI hands a payload, set on the hart U-Boot runs on: S-mode
# (OpenOCD's virtual register priv = 1), satp = 0 (no paging), SIE clear and
# no S-mode interrupt enabled, a0 = hart id, a1 = device tree. U-Boot left
# the hart in S-mode already, but with its own satp and interrupts; the
# other harts stay in OpenSBI's HSM loop, where the kernel's HSM calls reach
# them.
write_gdb_script() {
    cat >"$1" <<GDB
set confirm off
set pagination off
target extended-remote localhost:3333
monitor halt
thread $((HART + 1))
load
set \$priv = 1
set \$satp = 0
set \$sstatus = \$sstatus & ~0x2
set \$sie = 0
set \$a0 = $HART
set \$a1 = $FDT_ADDR
set \$pc = _start
echo lazyos: kernel loaded; continuing (Ctrl-C stops, 'quit' leaves)\\n
continue
GDB
}

