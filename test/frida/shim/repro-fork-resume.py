"""Measures, on real frida-core, whether a child forked under child gating runs on after
`device.resume(child)`: resumed at once, after a delay, or after an attach first. Not a test (it
takes a minute); evidence on child gating for the runner (which, since 94c7031, does not enable it).

    (write FORK_TARGET_C below to /tmp/fork-target.c; gcc -o /tmp/fork-target /tmp/fork-target.c)
    .venv-frida/bin/python test/frida/shim/repro-fork-resume.py /tmp/fork-target delay0|delay3|attach|nogating

Measured here (frida 17.18.0, Debian 12, 12 runs each): delay0 8-9 of 12 finish, delay3 10 of 12,
attach 12 of 12, nogating (child gating off) 12 of 12. A hung child is asleep in a futex with its
threads; the parent waits in waitpid.
"""

import os
import sys
import threading
import time

import frida

FORK_TARGET_C = r"""
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
int main(void) {
  char line[64];
  if (!fgets(line, sizeof line, stdin)) return 2;
  pid_t child = fork();
  if (child == 0) _exit(7);
  int status = 0;
  waitpid(child, &status, 0);
  printf("done child=%d\n", WEXITSTATUS(status));
  fflush(stdout);
  return 0;
}
"""


def main(program, mode, runs=12):
    device = frida.get_local_device()
    done = threading.Event()

    def on_child(child):
        def go():
            if mode == "attach":
                device.attach(child.pid)
            elif mode.startswith("delay"):
                time.sleep(float(mode[5:]))
            device.resume(child.pid)

        threading.Thread(target=go).start()

    device.on("child-added", on_child)
    device.on("output", lambda pid, fd, data: data and done.set())
    ok = 0
    for _ in range(runs):
        done.clear()
        pid = device.spawn(program, stdio="pipe")
        session = device.attach(pid)
        if mode != "nogating":
            session.enable_child_gating()
        device.resume(pid)
        device.input(pid, b"go\n")
        if done.wait(5):
            ok += 1
        else:
            device.kill(pid)
    print(f"{mode}: {ok} of {runs} finished", flush=True)
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
