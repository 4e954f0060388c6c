"""Fresh kernels without the import wait: forked from a template that imported the libraries.

A cold kernel spends most of its start in imports (polars, pandera, scipy, altair, ...), and
every notebook starts one. :class:`KernelTemplate` starts one template process per run
(:mod:`.kernel_template`) while the run hashes and validates its inputs; every notebook then
gets its own kernel forked from it (:mod:`.kernel_manager`), so each notebook still runs
in a fresh process of its own and nothing can leak from one notebook to the next.

When the template cannot serve (not started, died, or a kernelspec that is not
``python ... -m ipykernel_launcher -f {connection_file}``) the kernel is started the usual way.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEMPLATE_ENV = "RUWAARD_KERNEL_TEMPLATE"  # the template's socket, for the workers
READY_TIMEOUT = 60.0
# Seconds a cell's outputs may arrive after its reply (nbclient's ``iopub_timeout``). nbclient
# waits 4 s by default and then carries on without them, with only a log warning: on a loaded
# machine a chart or table could go missing from an executed notebook or the report without a
# word. Here the wait is longer (it ends as soon as the outputs are in: no cost on the fast
# path) and a timeout is an error (``raise_on_iopub_timeout``).
IOPUB_TIMEOUT = 60
# seconds the last fork_kernel of this (worker) process waited for the template's imports
WAITED = {"seconds": 0.0}


def split_kernel_cmd(cmd: list[str]) -> tuple[list[str], list[str]] | None:
    """``(interpreter with flags, kernel arguments)`` of an ipykernel command, else None."""
    for i in range(1, len(cmd) - 1):
        if cmd[i] == "-m" and cmd[i + 1] == "ipykernel_launcher":
            return cmd[:i], cmd[i + 2 :]
    return None


def kernel_interpreter(kernel_name: str) -> list[str] | None:
    """The interpreter (with its flags) of an ipykernel kernelspec, else None.

    Read from the ``kernel.json`` that jupyter_client would find first (the Jupyter data path,
    then ``~/.ipython/kernels``) without importing jupyter_client (0,15 s before the template
    can start: on the critical path of every run); jupyter_client's own lookup when that finds
    none. Whatever it finds, the template forks a kernel only for a kernelspec of exactly its
    own interpreter (:func:`fork_kernel`), so a lookup that differs costs speed, never
    correctness.
    """
    argv = _kernel_json_argv(kernel_name)
    if argv is None:
        try:
            from jupyter_client.kernelspec import get_kernel_spec

            argv = get_kernel_spec(kernel_name).argv
        except Exception:  # noqa: BLE001 - no kernel: the usual start reports it
            return None
    split = split_kernel_cmd(argv)
    return split[0] if split is not None else None


def _kernel_json_argv(kernel_name: str) -> list[str] | None:
    try:
        from jupyter_core.paths import jupyter_path

        dirs = [*jupyter_path("kernels"), os.path.join(os.path.expanduser("~"), ".ipython",
                                                       "kernels")]  # fmt: skip
        for kernel_dir in dirs:
            if not os.path.isdir(kernel_dir):
                continue
            for name in os.listdir(kernel_dir):
                spec = os.path.join(kernel_dir, name, "kernel.json")
                if name.lower() == kernel_name.lower() and os.path.isfile(spec):
                    with open(spec, encoding="utf-8") as fh:
                        return list(json.load(fh)["argv"])
    except (ImportError, OSError, ValueError, KeyError, TypeError):
        return None
    return None


class KernelTemplate:
    """The template process of one run; ``with KernelTemplate(...) as t:`` stops it after."""

    def __init__(self, kernel_name: str, log_path: Path | None = None,
                 preload: tuple[str, ...] = (), check: dict | None = None):
        """``preload``: the modules the template imports (default: the notebooks' libraries,
        ``kernel_template.PRELOAD``). ``check``: ``{"data_dir": ..., "year": ...}``, the run's
        input check, forked as soon as the loaders are imported (:attr:`check_answer`, the
        validated frames in :attr:`frames_dir`)."""
        self.process: subprocess.Popen | None = None
        self.socket_path: str | None = None
        self.check_answer: str | None = None  # the file the early check answers in
        self.frames_dir: str | None = None  # the frames it validated (loaders.validated)
        self.log_path: Path | None = None  # its output and its kernels' (in its folder)
        self._dir: str | None = None
        self.started_at = time.time()
        interpreter = kernel_interpreter(kernel_name)
        if interpreter is None or not sys.platform.startswith("linux"):
            return  # fork() without exec is only safe enough for us on Linux
        self._dir = tempfile.mkdtemp(prefix="ruwaard-kernels-")
        self.socket_path = os.path.join(self._dir, "template.sock")
        if log_path is None:  # what the template and its kernels print (a kernel's crash)
            log_path = Path(self._dir) / "template.log"
        self.log_path = Path(log_path)
        env = {**os.environ, "PYTHONHASHSEED": "0"}  # as the kernels of a run get it
        if check is not None:
            from .kernel_template import CHECK_ENV

            self.check_answer = os.path.join(self._dir, "check.json")
            self.frames_dir = os.path.join(self._dir, "frames")
            env[CHECK_ENV] = json.dumps({**check, "data_dir": str(check["data_dir"]),
                                         "answer": self.check_answer,
                                         "frames": self.frames_dir})  # fmt: skip
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(
                [*interpreter, "-m", "ruwaard_analysis.run.kernel_template", self.socket_path,
                 *preload],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
            )  # fmt: skip

    def __enter__(self) -> KernelTemplate:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the template (kernels it forked belong to their own sessions)."""
        if self.process is not None and self.process.poll() is None:
            if self.socket_path and not os.path.exists(self.socket_path):
                Path(self.socket_path + ".failed").write_text("run finished", encoding="utf-8")
        stop_helper(self.process, self._dir)
        self._dir = None

    def ready_after(self) -> float | None:
        """Seconds from its start until the template was ready (None: not ready)."""
        if self.socket_path is None or not os.path.exists(self.socket_path):
            return None
        return round(os.stat(self.socket_path).st_mtime - self.started_at, 3)

    def import_seconds(self) -> dict[str, float]:
        """Seconds the template spent importing each module ({} when it never got ready)."""
        if self.socket_path is None or not os.path.exists(self.socket_path):
            return {}
        try:
            return json.loads(_ask(self.socket_path, b"imports\n"))
        except (OSError, ValueError):
            return {}


def _ask(path: str, line: bytes, timeout: float | None = READY_TIMEOUT) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)
        sock.sendall(line)
        with sock.makefile("rb") as stream:
            return stream.readline()


def _wait_ready(path: str) -> None:
    """Wait until the template at ``path`` listens (OSError when it failed or took too long)."""
    deadline = time.monotonic() + READY_TIMEOUT
    while not os.path.exists(path):
        if os.path.exists(path + ".failed"):
            raise OSError(Path(path + ".failed").read_text(encoding="utf-8")[-500:])
        if time.monotonic() > deadline:
            raise OSError(f"kernel template not ready after {READY_TIMEOUT:.0f} s")
        time.sleep(0.02)


def fork_kernel(path: str, args: list[str], cwd: str, env: dict[str, str],
                interpreter: list[str] | None = None) -> int:
    """Ask the template at ``path`` for a kernel; waits until the template is ready
    (:data:`WAITED`). With ``interpreter`` (the kernelspec's) the template forks only when it
    runs that same interpreter; OSError otherwise (the kernel then starts the usual way)."""
    start = time.perf_counter()
    _wait_ready(path)
    WAITED["seconds"] = time.perf_counter() - start
    request = json.dumps({"args": args, "cwd": cwd, "env": env,
                          "interpreter": interpreter}).encode() + b"\n"  # fmt: skip
    answer = json.loads(_ask(path, request))
    if "pid" not in answer:
        raise OSError(answer.get("error", "the template did not fork"))
    return int(answer["pid"])


class ForkedKernelProcess:
    """The Popen-like view of a forked kernel (not our child: the template reaps it).

    Watched through a pidfd (Linux 5.3+) where there is one: the template reaps a kernel as
    soon as it exits, so its pid is free at once and may belong to another process seconds
    later (``pid_max`` is 32768 on many machines); ``os.kill(pid, 0)`` would then call it
    alive, and a signal meant for it would reach a stranger. A pidfd refers to this process
    only.
    """

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None
        self._pidfd: int | None = None
        try:
            self._pidfd = os.pidfd_open(pid)
        except ProcessLookupError:
            self.returncode = 0  # gone already; its exit code went to the template
        except (AttributeError, OSError):
            pass  # no pidfd here: poll by pid

    def _gone(self) -> None:
        self.returncode = 0  # its exit code went to the template
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None

    def poll(self) -> int | None:
        if self.returncode is None:
            if self._pidfd is not None:
                import select

                if select.select([self._pidfd], [], [], 0)[0]:  # readable: it exited
                    self._gone()
                return self.returncode
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self._gone()
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        if self.poll() is not None:
            return  # gone: its pid may be another process's by now
        try:
            if self._pidfd is not None:
                signal.pidfd_send_signal(self._pidfd, signum)
            else:
                os.kill(self.pid, signum)
        except ProcessLookupError:
            pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def __del__(self) -> None:
        if getattr(self, "_pidfd", None) is not None:
            try:
                os.close(self._pidfd)
            except OSError:
                pass


def stop_helper(process: subprocess.Popen | None, socket_dir: str | None) -> None:
    """Stop a helper process of the run (terminate, kill after 10 s) and remove the
    temporary folder that holds its socket; both may be None (never started)."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if socket_dir:
        import shutil

        shutil.rmtree(socket_dir, ignore_errors=True)  # the socket, the early check's files
