"""A run that fails says so: which notebook, what failed (kernel start, worker, timeout), a
non-zero exit code, nothing half-published; and what made rare failures under load (a TCP
port taken between choosing and binding, a reused pid, outputs arriving late) is injected
here deterministically, by a parameter or a patch, never by timing."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from ruwaard_analysis import config
from ruwaard_analysis.run import PipelineError, RunOptions, run_year

PARAMS = ('year = 2016  # y\ndata_dir = "."  # d\noutput_dir = "out"  # o\nseed = 1  # s\n'
          "min_cell_size = 5  # m")  # fmt: skip


def _notebook(path: Path, *cells: str) -> Path:
    nb = new_notebook(cells=[new_code_cell(PARAMS, metadata={"tags": ["parameters"]}),
                             *(new_code_cell(c) for c in cells)])  # fmt: skip
    nb.metadata["kernelspec"] = {"name": config.KERNEL_NAME, "language": "python",
                                 "display_name": config.KERNEL_NAME}  # fmt: skip
    nb.metadata["ruwaard"] = {"sources": []}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def _task(tmp_path: Path, notebook: Path) -> dict:
    out = tmp_path / "out"
    return {"name": notebook.stem, "input": str(notebook), "output": str(tmp_path / "run.ipynb"),
            "output_dir": str(out), "cwd": str(notebook.parent),
            "kernel_name": config.KERNEL_NAME,
            "parameters": {"year": 2016, "data_dir": ".", "output_dir": str(out), "seed": 1,
                           "min_cell_size": 5}}  # fmt: skip


# ------------------------------------------------------------------ outputs that arrive late


@pytest.mark.slow
def test_outputs_that_never_arrive_fail_the_notebook_instead_of_going_missing(tmp_path,
                                                                              monkeypatch):
    """nbclient waits ``iopub_timeout`` seconds after a cell's reply for its outputs and then,
    by default, carries on without them (a log warning only): on a loaded machine a chart
    could go missing without a word. Here the outputs never arrive (the client's reading of
    them never ends) and the wait is 0 s: the notebook must fail, naming the cell."""
    import asyncio

    from nbclient.client import NotebookClient

    from ruwaard_analysis.run import execute, kernels

    async def never(self, *args, **kwargs):
        await asyncio.Event().wait()

    monkeypatch.delenv(kernels.TEMPLATE_ENV, raising=False)
    monkeypatch.setattr(kernels, "IOPUB_TIMEOUT", 0)
    monkeypatch.setattr(NotebookClient, "_async_poll_output_msg", never)
    notebook = _notebook(tmp_path / "nb" / "01_late.ipynb", "print('an output')")
    result = execute._execute_notebook(_task(tmp_path, notebook))
    assert not result["ok"]
    assert result["ename"] == "CellTimeoutError"
    assert "Timeout waiting for IOPub output" in result["evalue"]
    assert (result["cell"], result["first_line"]) == (1, "year = 2016  # y")  # the first cell
    assert "notebook 01_late, cel 1 (year = 2016  # y) mislukt: CellTimeoutError" in (
        execute.failure_message(result, None))


# ------------------------------------------------------------ kernel ports: chosen, then taken


class _TakenPort:
    """jupyter_client's port finder handing out a port another process already listens on:
    what a port chosen free and bound by someone else before the kernel binds it looks like."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]

    def find_available_port(self, ip: str) -> int:
        return self.port


@pytest.mark.slow
def test_a_kernel_whose_port_was_taken_fails_naming_the_kernel_start(tmp_path, monkeypatch):
    """Without the template (TCP, the usual start) a taken port kills the kernel while it
    starts: the failure names the notebook and the kernel start."""
    from jupyter_client.provisioning.local_provisioner import LocalPortCache

    from ruwaard_analysis.run import execute, kernels

    monkeypatch.delenv(kernels.TEMPLATE_ENV, raising=False)
    taken = _TakenPort()
    monkeypatch.setattr(LocalPortCache, "find_available_port",
                        lambda self, ip: taken.find_available_port(ip))  # fmt: skip
    notebook = _notebook(tmp_path / "nb" / "01_ports.ipynb", "x = 1")
    result = execute._execute_notebook(_task(tmp_path, notebook))
    taken.sock.close()
    assert not result["ok"]
    message = execute.failure_message(result, None)
    assert message.startswith("notebook 01_ports (bij het starten van de kernel) mislukt: ")
    assert "Kernel died before replying to kernel_info" in message


@pytest.mark.slow
def test_kernels_from_the_template_use_no_tcp_port(tmp_path, monkeypatch):
    """The same taken port with the run's template: its kernels connect through Unix sockets
    in the run's folder (nothing another process can take), so the notebook runs."""
    from jupyter_client.provisioning.local_provisioner import LocalPortCache

    from ruwaard_analysis.run import execute, kernels

    taken = _TakenPort()
    monkeypatch.setattr(LocalPortCache, "find_available_port",
                        lambda self, ip: taken.find_available_port(ip))  # fmt: skip
    notebook = _notebook(tmp_path / "nb" / "01_ipc.ipynb", (
        "import json, os\n"
        "from ipykernel.kernelapp import IPKernelApp\n"
        "app = IPKernelApp.instance()\n"
        "assert app.transport == 'ipc', app.transport\n"
        "assert os.path.exists(app.ip + '-' + str(app.shell_port))"))  # fmt: skip
    template = kernels.KernelTemplate(config.KERNEL_NAME)
    try:
        monkeypatch.setenv(kernels.TEMPLATE_ENV, template.socket_path)
        result = execute._execute_notebook(_task(tmp_path, notebook))
    finally:
        template.stop()
        taken.sock.close()
    assert result["ok"], result
    assert not Path(template.socket_path).parent.exists()  # the sockets went with the run


def test_the_ipc_prefix_is_in_the_run_folder_and_short(tmp_path):
    from ruwaard_analysis.run.kernel_manager import ipc_prefix

    socket_path = tmp_path / "template.sock"
    assert ipc_prefix(None) is None
    assert ipc_prefix(str(tmp_path / "gone" / "template.sock")) is None
    prefix = ipc_prefix(str(socket_path))
    assert prefix is not None and Path(prefix).parent == tmp_path
    assert prefix != ipc_prefix(str(socket_path))  # one per kernel
    deep = tmp_path / ("d" * 90)
    deep.mkdir()
    assert ipc_prefix(str(deep / "template.sock")) is None  # too long for a Unix socket


# ------------------------------------------------------------------ a kernel's pid, reused


def test_a_forked_kernel_that_exited_is_gone_before_it_is_reaped():
    """The template reaps its kernels, so their pids are soon free for others; the worker's
    view must not call an exited kernel alive (``os.kill(pid, 0)`` does, for a zombie and for
    a stranger with the pid) nor signal the pid once it exited."""
    from ruwaard_analysis.run.kernels import ForkedKernelProcess

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    kernel = ForkedKernelProcess(child.pid)
    try:
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # exited, not reaped
        assert kernel.poll() == 0  # a zombie: gone, though os.kill(pid, 0) still succeeds
        kernel.kill()  # nothing sent, nothing raised
    finally:
        child.wait()
    assert kernel.wait(timeout=1) == 0


# ------------------------------------------------------------------ the worker processes


def test_a_worker_that_ends_by_an_exception_exits_with_1(monkeypatch, capsys):
    from ruwaard_analysis.run import execute

    codes = []
    monkeypatch.setattr(execute.os, "_exit", codes.append)
    execute._exit_at_once()
    try:
        raise RuntimeError("the pool's worker loop broke")
    except RuntimeError:
        execute._exit_at_once()  # as from the finally of the worker's run()
    assert codes == [0, 1]
    assert "the pool's worker loop broke" in capsys.readouterr().err


@pytest.mark.slow
def test_a_worker_that_dies_fails_the_run_naming_its_notebook(tmp_path):
    """A worker killed while it runs a notebook (here by the notebook's own kernel, its
    child when kernels start the usual way) fails the run: the notebook and the signal
    named, the logs kept, nothing published."""
    notebooks = tmp_path / "notebooks"
    _notebook(notebooks / "01_kills_its_worker.ipynb",
              "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)")  # fmt: skip
    options = RunOptions(data_dir=tmp_path, notebooks_dir=notebooks, library_dir=notebooks,
                         processed_dir=tmp_path / "processed", reports_dir=tmp_path / "reports",
                         progress=False, validate=False, git_root=tmp_path, jobs=1,
                         fork_kernels=False)  # fmt: skip
    with pytest.raises(PipelineError) as info:
        run_year(2016, options)
    text = str(info.value)
    assert text.startswith("notebook 01_kills_its_worker mislukt: BrokenProcessPool: ")
    assert "stopte onverwacht (signaal SIGKILL" in text
    assert info.value.notebook == "01_kills_its_worker"
    assert (tmp_path / "reports" / "2016" / "failed" / "workers.log").is_file()
    assert not (tmp_path / "processed" / "2016").exists()


# ------------------------------------------------------------------ helpers that hang


def test_a_chart_renderer_that_does_not_answer_is_left_after_a_timeout(tmp_path, monkeypatch,
                                                                     capsys):
    from multiprocessing.connection import Listener

    from ruwaard_analysis.present import vega_export

    path = str(tmp_path / "renderer.sock")
    listener = Listener(path, family="AF_UNIX")
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True)
    thread.start()
    monkeypatch.setenv(vega_export.RENDERER_ENV, path)
    monkeypatch.setattr(vega_export, "ANSWER_TIMEOUT", 0.0)
    monkeypatch.setattr(vega_export, "_connection", None)
    monkeypatch.setattr(vega_export, "_renderer_failed", False)
    assert vega_export._ask({"op": "svg", "spec": "{}"}) is None  # converted here instead
    assert vega_export._renderer_failed
    assert "no answer" in capsys.readouterr().err
    thread.join()  # it had connected: the renderer accepted it and never answered
    accepted[0].close()
    listener.close()


def test_an_input_check_that_never_answers_is_done_by_the_run(tmp_path):
    """The template alive, its check hanging: the run stops waiting and checks the inputs
    itself (here: the problems of a broken folder), instead of waiting for ever."""
    from ruwaard_analysis.errors import DataValidationError
    from ruwaard_analysis.run.validation import InputCheck

    class Alive:
        def poll(self):
            return None

    class Template:
        check_answer = str(tmp_path / "never.json")
        frames_dir = str(tmp_path / "frames")
        process = Alive()

    data = tmp_path / "data"
    data.mkdir()
    (data / "cases.csv").write_text("not,a,cases,file\n1,2,3,4\n")
    check = InputCheck(data, True, 2017, Template())
    check.wait_seconds = 0.0
    with pytest.raises(DataValidationError):
        check.check()
    assert "no answer after 0 s" in check.where


# ------------------------------------------------------------------ the command line


def test_a_run_stopped_by_sigterm_says_so(monkeypatch, capsys):
    from ruwaard_analysis import cli

    def stopped(args):
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("not stopped")

    monkeypatch.setattr(cli, "_cmd_numbers", stopped)
    before = signal.getsignal(signal.SIGTERM)
    assert cli.main(["numbers", "--year", "2017"]) == 143
    assert "fout: afgebroken (signaal SIGTERM)" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGTERM) is before
