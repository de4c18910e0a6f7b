// User program entry: exec() jumps here with a0 = argc, a1 = argv and sp
// 16-byte aligned. Hands both to main untouched; main's result goes to exit.
    .section .text.entry, "ax"
    .globl _start
_start:
    call main
    // a0 still holds main's return value, which is exit's argument.
    call exit
