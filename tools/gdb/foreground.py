#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/gdb/foreground.py COMMAND [ARG...] - run COMMAND as the terminal's only foreground job.

Ctrl-C makes the terminal send SIGINT to every process of its foreground
process group.  Under `make gdb-attach` that group holds make and its shell
as well as gdb: the first Ctrl-C would make make wait to die, the second
would kill it and hand the terminal back to the login shell while gdb still
reads from it.  So COMMAND gets a process group of its own and the terminal
(tcsetpgrp), as a shell with job control would do; we wait for it and then
take the terminal back.  Ctrl-C then reaches gdb alone, which stops the
kernel (QEMU is in a group of its own: another terminal, or setsid).

Without a terminal on stdin (a script, a pipe) COMMAND simply runs.
Exits with COMMAND's status.
"""
import os
import signal
import sys


def give_terminal(fd, pgrp):
    """Make @pgrp the foreground group of terminal @fd (from any group: SIGTTOU ignored)."""
    old = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    try:
        os.tcsetpgrp(fd, pgrp)
    finally:
        signal.signal(signal.SIGTTOU, old)


def main():
    argv = sys.argv[1:]
    if not argv:
        sys.exit("usage: foreground.py COMMAND [ARG...]")
    if not os.isatty(0):
        os.execvp(argv[0], argv)
    ours = os.tcgetpgrp(0)
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        give_terminal(0, os.getpid())   # both sides do it: no race on who runs first
        try:
            os.execvp(argv[0], argv)
        except OSError as e:
            print("%s: %s" % (argv[0], e), file=sys.stderr)
            os._exit(127)
    try:
        os.setpgid(pid, pid)
        give_terminal(0, pid)
    except OSError:
        pass                            # the child did it already (or has exited)
    while True:
        _, status = os.waitpid(pid, os.WUNTRACED)
        if os.WIFEXITED(status) or os.WIFSIGNALED(status):
            break
        # Stopped (Ctrl-Z): nobody here could resume it later, so it goes on at once.
        give_terminal(0, pid)
        os.kill(pid, signal.SIGCONT)
    give_terminal(0, ours)
    sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))


if __name__ == "__main__":
    main()
