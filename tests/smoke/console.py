#!/usr/bin/env python3
"""The serial console as a person uses it: ^C on jobs blocked in every kind
of wait, a background job that survives, editing and history keys sent as a
terminal sends them, Tab completion, a pasted 1,000-byte line, and the
programs sleep, time, uptime and kill.

Each check waits for progress it can see (output, or a ^P process listing
showing the job blocked where it should be), never for a length of time;
the timeouts only end a hung run.

usage: console.py --log FILE [--no-poweroff] -- QEMU-ARGV...
"""
import argparse
import re
import sys

from guest import Guest, GuestTimeout, PROMPT

T = 120  # seconds before a check counts as hung
CTRL_C, CTRL_P = "\x03", "\x10"
LEFT, RIGHT, UP, DOWN = "\x1b[D", "\x1b[C", "\x1b[A", "\x1b[B"
HOME, END, DELETE = "\x1b[H", "\x1b[F", "\x1b[3~"
NEW_PROMPT = r"(?m)^" + re.escape(PROMPT)


def wait_listed(g, pattern):
    """Sends ^P until the kernel's process listing has a line matching
    pattern (the job got where the check wants it)."""
    for _ in range(200):
        g.send(CTRL_P)
        try:
            g.expect(r"(?m)^\d+ pgid .*" + pattern, 2)
            return
        except GuestTimeout:
            pass
    raise GuestTimeout(f"no process listed as {pattern!r}")


def interrupted(g):
    """^C, then the echo and a fresh prompt. Another hart may still be
    printing (a ^P listing) when the echo comes, so the prompt need only
    start a line after it."""
    g.send(CTRL_C)
    g.expect(r"\^C\n", T)
    g.expect(r"(?m)^" + re.escape(PROMPT), T)


def names_running(g, gone=()):
    """The names ps lists. A killed process on another hart, or a zombie
    init has yet to reap, may still be listed for a moment: ps is asked
    again (a bounded number of times) while a name in gone is there."""
    for _ in range(50):
        out = g.run("ps", T)
        names = [line.split()[2] for line in out.splitlines()[1:]
                 if len(line.split()) >= 3]
        if not set(gone) & set(names):
            break
    return names


def check_interrupts(g, check):
    g.send("spin\n")
    g.expect(r"spin: pid \d+ spinning\n", T)
    interrupted(g)
    check("^C ends a spinning program",
          "spin" not in names_running(g, ["spin"]))

    g.send("spin 3\n")
    for _ in range(3):
        g.expect(r"spin: pid \d+ spinning\n", T)
    interrupted(g)
    check("^C ends a program and its children",
          "spin" not in names_running(g, ["spin"]))

    g.send("cat | cat\n")
    g.send("x1\n")
    g.expect(r"x1\nx1\n", T)  # the echo, then the second cat's copy
    wait_listed(g, r"blocked cat chan")  # the pipe's reader
    interrupted(g)
    names = names_running(g, ["cat"])
    check("^C ends a pipeline blocked in console and pipe reads",
          "cat" not in names, repr(names))

    g.send("sleep 1000\n")
    wait_listed(g, r"blocked sleep tick_wq")
    interrupted(g)
    check("^C ends a program blocked in sleep",
          "sleep" not in names_running(g, ["sleep"]))

    g.send("(sleep 1000)\n")
    wait_listed(g, r"blocked sleep tick_wq")
    interrupted(g)
    names = names_running(g, ["sleep"])
    check("^C ends a sub-shell blocked in wait, and its child",
          "sleep" not in names and names.count("sh") == 1, repr(names))

    g.send("sleep 1000 &\n")
    g.expect(NEW_PROMPT, T)
    g.send("spin\n")
    g.expect(r"spin: pid \d+ spinning\n", T)
    interrupted(g)
    out = g.run("ps", T)
    m = re.search(r"(?m)^\s*(\d+)\s+\S+\s+sleep\b", out)
    check("a background job survives ^C", m is not None, repr(out))
    if m:
        g.run("kill " + m.group(1), T)
        check("kill ends the background job",
              "sleep" not in names_running(g, ["sleep"]))

    g.send(CTRL_C)
    g.expect(r"\^C\n" + re.escape(PROMPT), T)
    check("^C at the prompt gives a fresh prompt, shell alive",
          g.run("echo alive", T).strip() == "alive")


def resync(g):
    """After a failed part: end whatever runs, and find the prompt of a
    command we know, so the next part starts in step."""
    g.send(CTRL_C)
    g.send("\x15echo resync-mark\n")
    g.expect(r"(?m)^resync-mark\n" + re.escape(PROMPT), T)


def typed(g, keys, want, name, check):
    """Types keys (ending in Enter) and checks the command's output."""
    g.send(keys)
    start = g.pos
    m = g.expect(NEW_PROMPT, T)
    out = g.buf[start:m.start()]
    lines = [l for l in out.split("\n") if l.strip()]
    got = lines[-1] if lines else ""
    check(name, got == want, f"got {got!r} want {want!r}")


def check_editing(g, check):
    typed(g, "echo abc" + LEFT * 3 + "X\r", "Xabc", "left arrow inserts", check)
    typed(g, "cho hi" + HOME + "e" + END + "!\r", "hi!", "Home and End",
          check)
    typed(g, "echo abXc" + LEFT + "\x7f\r", "abc",
          "Backspace in the middle", check)
    typed(g, "echo abXc" + LEFT * 2 + DELETE + "\r", "abc",
          "Delete in the middle", check)
    # QEMU's -nographic console takes ^A as its escape: ^A ^A sends one.
    typed(g, "cho ab\x01\x01e\x05c\r", "abc", "^A and ^E", check)
    typed(g, "echo foo bar\x17baz\r", "foo baz", "^W erases a word", check)
    typed(g, "echo abc" + LEFT + RIGHT + "d\r", "abcd", "right arrow", check)
    g.send("\x0c")
    g.expect(re.escape("\x1b[2J") + re.escape(PROMPT), T)
    typed(g, "echo cleared\r", "cleared", "^L clears the screen", check)

    for i in range(55):
        g.run(f"echo n{i}", T)
    typed(g, UP + "\r", "n54", "up arrow recalls the last command", check)
    typed(g, UP * 55 + "\r", "n0", "up through 55 commands of history",
          check)
    # Newest first: n0 (just recalled), n54, n53, n52.
    typed(g, UP * 4 + DOWN + "\r", "n53", "down arrow", check)

    typed(g, "ech\t tab\r", "tab", "Tab completes a command", check)
    g.run("mkdir tabdir; echo inside > tabdir/tabfile", T)
    typed(g, "cat tabd\ttabf\t\r", "inside", "Tab completes file names",
          check)
    g.send("echo \t")  # many names: the list, then the line again
    g.expect(r"README.*\n" + re.escape(PROMPT) + "echo ", T)
    typed(g, "\x15echo listed\r", "listed", "Tab lists the choices", check)


def check_paste(g, check):
    word = "x" * 995
    typed(g, "echo " + word + "\n", word,
          "a 1,000-byte line pasted at the prompt", check)
    g.send("wc\n")
    g.send("y" * 1000 + "\n")
    g.send("\x04")
    # Up to the newline: output arrives in pieces, and "100" may be
    # all of "1001" there is so far.
    m = g.expect(r"(?m)^\s*(\d+) (\d+) (\d+)\n", T)
    g.expect(NEW_PROMPT, T)
    check("a 1,000-byte line pasted into a reader (cooked mode)",
          m.groups() == ("1", "1", "1001"), repr(m.groups()))


def check_programs(g, check):
    usage = {
        "sleep": "usage: sleep", "sleep x": "usage: sleep",
        "sleep 1 2": "usage: sleep", "time": "usage: time",
        "uptime now": "usage: uptime", "kill": "usage: kill",
        "spin 0": "usage: spin",
    }
    for cmd, want in usage.items():
        out = g.run(cmd, T)
        check(f"'{cmd}' prints its usage", want in out, repr(out))
    out = g.run("kill x", T)
    check("kill of a non-pid says so", "not a pid" in out, repr(out))
    out = g.run("kill 4000", T)
    check("kill of no process says so", "no process" in out, repr(out))
    out = g.run("uptime", T)
    m = re.search(r"up (\d+) ticks", out)
    check("uptime", m is not None and int(m.group(1)) > 0, repr(out))
    out = g.run("sleep 1; echo slept", T)
    check("sleep 1", out.strip() == "slept", repr(out))
    out = g.run("time ls", T)
    m = re.search(r"time: (\d+) ticks, (\d+) faults, (\d+) peak resident",
                  out)
    check("time reports ticks, faults and peak pages",
          m is not None and int(m.group(3)) > 0 and "README" in out,
          repr(out[-200:]))
    out = g.run("time nosuchprogram", T)
    check("time of a missing program", "cannot run" in out, repr(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--log", required=True)
    ap.add_argument("--no-poweroff", action="store_true")
    ap.add_argument("qemu", nargs="+")
    args = ap.parse_args()
    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        passed, failed = passed + bool(ok), failed + (not ok)
        print(f"console {name}: {'ok' if ok else 'FAILED ' + detail}")

    g = Guest(args.qemu, args.log)
    try:
        g.expect(NEW_PROMPT, T)
        for part in (check_interrupts, check_editing, check_paste,
                     check_programs):
            try:
                part(g, check)
            except GuestTimeout as e:
                check(part.__name__ + " responds", False, str(e))
                resync(g)
        g.send("halt\n")
        if args.no_poweroff:
            g.proc.terminate()
        g.close()
    except GuestTimeout as e:
        check("boot to prompt", False, str(e))
        g.proc.kill()
        g.close()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
