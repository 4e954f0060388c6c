"""A template process that forks a fresh Jupyter kernel per notebook, imports already done.

Started by :mod:`.kernels` as ``python -m ruwaard_analysis.run.kernel_template SOCKET`` (the
kernel's own Python, with the kernelspec's interpreter flags and ``PYTHONHASHSEED=0``). It
imports the libraries the notebooks use (:data:`PRELOAD`) and then serves requests on a Unix
socket: one JSON line ``{"argv": [...], "cwd": ..., "env": {...}}`` per kernel; it forks, and
the child becomes exactly what ``python -m ipykernel_launcher -f CONNECTION_FILE`` would be
(new session, the given working directory, environment and arguments). The answer is
``{"pid": PID}``.

The run's input check (``$RUWAARD_TEMPLATE_CHECK``: data folder, year, where to answer) is
forked as soon as the template has imported what the loaders need (:data:`CHECK_NEEDS`, the
first modules of :data:`PRELOAD`), so it runs on the other core while the template imports the
rest (ipykernel, scipy.stats, altair, great_tables: about half of its imports). The child checks
the folder with the data contracts (``loaders.check_folder``), saves the validated frames when
there is no problem (``loaders.validated``: the notebooks of the run load them instead of
validating the same bytes again) and writes ``{"problems": [...], "seconds": ...}`` to its
answer file, which the run reads (``run.validation``).

Why no state can leak from one notebook to the next: the template never runs notebook code
and never computes anything (imports only; the input check runs in a child of its own); every
kernel is a fork of that same pristine process and runs exactly one notebook. What a notebook
sees is what a fresh kernel would see after importing the same modules (the validated
frames are files of the run, read by a notebook's own ``load_folder``, not memory of the template).

The garbage collector is off while the template imports and everything imported is frozen
(``gc.freeze()``) before the first fork, as the Python documentation advises for a process that
forks without exec; each child turns the collector on again first thing. Imports allocate
hundreds of thousands of objects that live as long as the process, and collections that
rescan them cost about 0,45 s of CPU of the template's 2 to 2,5 s (on its critical path: no
kernel starts before the template is ready); in a kernel a full collection then looks at its
own objects only (statsmodels' ``multipletests`` calls ``gc.collect()`` twice: 0,56 s in
notebook 04 before), and the children's memory stays shared with the template.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import socket
import sys
import time

PRELOAD = (
    # first what the input check needs (it is forked once these are imported: CHECK_NEEDS)
    "numpy",
    "polars",
    "pandas",
    "pyarrow",
    "pandera.polars",
    "ruwaard_analysis.loaders",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython.core.interactiveshell",
    "ipykernel.debugger",  # with debugpy: every kernel imports it when it starts (0,05 s)
    "scipy.stats",
    "scipy.optimize",
    "scipy.special",
    "altair",
    "great_tables",
    "babel.numbers",
    "babel.dates",
    "vl_convert",
    "ruwaard_analysis.publish",
    "ruwaard_analysis.results",
    "ruwaard_analysis.report_year",
    "ruwaard_analysis.data_quality",
    "ruwaard_analysis.costs",
    "ruwaard_analysis.positive_health",
    "ruwaard_analysis.neighbourhood",
    "ruwaard_analysis.stats",
    "ruwaard_analysis.present.charts",
    "ruwaard_analysis.present.tables",
    "ruwaard_analysis.present.theme",
)

CHECK_NEEDS = "ruwaard_analysis.loaders"  # the early input check is forked once this is imported
CHECK_ENV = "RUWAARD_TEMPLATE_CHECK"  # {"data_dir", "year", "answer", "frames"}: the early check
_CHECK: dict = {}  # the early check's child: {"pid", "answer", "frames"}


def preload(modules: tuple[str, ...] = PRELOAD, after=None) -> dict[str, float]:
    """Import ``modules`` (:data:`PRELOAD`; missing modules are skipped); seconds per module.
    ``after(name)`` is called after each module imported."""
    from ruwaard_analysis.import_speed import skip_slow_iri_checker

    skip_slow_iri_checker()
    seconds = {}
    for name in modules:
        start = time.perf_counter()
        try:
            __import__(name)
        except ImportError:
            continue
        seconds[name] = round(time.perf_counter() - start, 3)
        if after is not None:
            after(name)
    return seconds


def _become_kernel(request: dict) -> None:  # pragma: no cover - runs in the forked child
    """In the forked child: turn into ``python -m ipykernel_launcher ARGS``; never returns."""
    code = 1
    try:
        gc.enable()  # off in the template while it imported (see the module doc)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()  # its own process group, as jupyter_client starts kernels
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["ipykernel_launcher", *request["args"]]
        if sys.path and sys.path[0] in ("", os.getcwd()):
            del sys.path[0]  # as ipykernel_launcher does; IPython adds '' back
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=request["args"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _check_early(request: dict, started: float) -> None:  # pragma: no cover - forked child
    """In a child forked during the template's imports: check the run's inputs, save the
    validated frames when there is no problem (``loaders.validated``), write the answer
    ``{"problems": [...], "seconds": ..., "started_after": ...}`` (or ``{"error": ...}``) to
    the file ``request["answer"]``; never returns."""
    code = 0
    begin = time.perf_counter()
    try:
        gc.enable()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        from dataclasses import asdict
        from pathlib import Path

        from ruwaard_analysis.loaders import folder as loader_folder
        from ruwaard_analysis.loaders import validated

        folder = Path(request["data_dir"])
        frames_dir = Path(request["frames"])
        try:
            key = validated.folder_key(folder)  # before the files are read
        except OSError:
            key = None
        frames, problems = loader_folder.check_folder(folder)
        if not problems and request.get("year") is not None:
            problems = loader_folder.report_year_problems(folder, int(request["year"]))
        if problems or key is None:
            validated.save(frames_dir, {}, None)
        else:
            validated.save(frames_dir, key, loader_folder.checked_frames(frames, []))
        answer = {"problems": [asdict(p) for p in problems]}
    except BaseException as exc:  # noqa: BLE001 - the run validates itself then
        answer, code = {"error": f"{type(exc).__name__}: {exc}"}, 1
    answer.update(seconds=round(time.perf_counter() - begin, 3),
                  started_after=round(begin - started, 3))  # fmt: skip
    try:
        if "error" in answer:
            open(os.path.join(request["frames"], "none"), "a").close()  # noqa: SIM115
        _write_answer(request["answer"], answer)
    finally:
        os._exit(code)


def _write_answer(path: str, answer: dict) -> None:
    with open(path + ".tmp", "w", encoding="utf-8") as fh:
        json.dump(answer, fh)
    os.replace(path + ".tmp", path)


def _fork_early_check(request: dict, started: float) -> None:
    """Fork the early input check (:func:`_check_early`) of ``request``."""
    os.makedirs(request["frames"], exist_ok=True)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        _check_early(request, started)
    _CHECK.update(pid=pid, answer=request["answer"], frames=request["frames"])


def _reap_children(signum, frame) -> None:  # pragma: no cover - in the template process
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid == _CHECK.get("pid") and not os.path.exists(_CHECK["answer"]):
            # the check died without an answer: say so (the run then checks itself)
            try:
                open(os.path.join(_CHECK["frames"], "none"), "a").close()  # noqa: SIM115
                _write_answer(_CHECK["answer"], {"error": f"input check ended ({status})"})
            except OSError:
                pass


def serve(path: str, modules: tuple[str, ...] = PRELOAD) -> None:
    """Preload ``modules``, then fork one kernel per request on the Unix socket ``path``.

    Stops when the run that started it is gone (its parent process changed).
    """
    parent = os.getppid()
    started = time.perf_counter()
    gc.disable()  # no collections while importing; frozen before the first fork (module doc)
    check = json.loads(os.environ.pop(CHECK_ENV, "") or "null")

    def after(name: str) -> None:
        if check is not None and name == CHECK_NEEDS:
            _fork_early_check(check, started)

    try:
        seconds = preload(modules, after)
        if check is not None and not _CHECK:  # CHECK_NEEDS not among the modules
            _fork_early_check(check, started)
    except BaseException:
        import traceback

        with open(path + ".failed", "w", encoding="utf-8") as fh:
            fh.write(traceback.format_exc())
        raise
    gc.freeze()  # what was imported is never collected or touched by the kernels' collections
    # Children are reaped as they exit (waited for, not ignored: so their CPU seconds count in
    # the run's, which waits for the template in turn; benchmarks/bench_pipeline.py reads them).
    signal.signal(signal.SIGCHLD, _reap_children)
    _reap_children(signal.SIGCHLD, None)  # the early check may have ended already
    argv = list(sys.orig_argv)  # [*interpreter, "-m", "ruwaard_analysis.run...", SOCKET, ...]
    interpreter = argv[: argv.index("-m")] if "-m" in argv else argv[:1]
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path + ".tmp")
    server.listen(8)
    os.replace(path + ".tmp", path)  # the socket appears only when the template is ready
    print(json.dumps({"kernel_template_ready": seconds}), file=sys.stderr, flush=True)
    server.settimeout(1.0)
    while True:
        try:
            conn, _ = server.accept()
        except TimeoutError:
            if os.getppid() != parent:
                return  # the run was killed: nobody will ask for a kernel any more
            continue
        conn.settimeout(None)
        with conn, conn.makefile("rwb") as stream:
            line = stream.readline()
            if not line:
                continue
            if line.strip() == b"imports":
                stream.write(json.dumps(seconds).encode() + b"\n")
                stream.flush()
                continue
            request = json.loads(line)
            wanted = request.get("interpreter")
            if wanted and list(wanted) != interpreter:  # another kernelspec: not from here
                stream.write(json.dumps({"error": f"the template runs {interpreter}, the "
                                         f"kernelspec {wanted}"}).encode() + b"\n")
                stream.flush()
                continue
            pid = os.fork()
            if pid == 0:
                server.close()
                conn.close()
                _become_kernel(request)
            stream.write(json.dumps({"pid": pid}).encode() + b"\n")
            stream.flush()


if __name__ == "__main__":  # pragma: no cover - the template process
    serve(sys.argv[1], tuple(sys.argv[2:]) or PRELOAD)
