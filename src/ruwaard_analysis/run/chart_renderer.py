"""One chart renderer per run: vl-convert's JavaScript engine started once, not in every kernel.

The first chart conversion in a process costs about 0,9 s of CPU and up to 3 s of wall time
(vl-convert starts V8, loads Vega, Vega-Lite and the fonts), and five of the six notebooks
draw charts. :class:`ChartRenderer` starts ``python -m ruwaard_analysis.run.chart_renderer
SOCKET`` (the kernels' own Python, so the same vl-convert) when the run starts; it warms up while
the libraries are imported and the inputs validated, then converts what the kernels send
(:mod:`ruwaard_analysis.present.vega_export`, which finds it through ``$RUWAARD_CHART_RENDERER``).

It holds no state of a notebook: a request is a Vega-Lite spec and the answer (its SVG) is a
pure function of it, the same bytes the kernel would have made itself (the kernels rasterise
the PNG themselves: that needs no JavaScript engine). When it cannot serve,
the kernels convert their charts themselves.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

WARM_UP = {"data": {"values": [{"x": 1.5}]}, "mark": "point",
           "encoding": {"x": {"field": "x", "type": "quantitative"}}}  # fmt: skip


class ChartRenderer:
    """The renderer process of one run (``stop()`` ends it); ``socket_path`` None: none."""

    def __init__(self, interpreter: list[str] | None = None, log_path: Path | None = None):
        self._dir = tempfile.mkdtemp(prefix="ruwaard-charts-")
        self.socket_path: str | None = os.path.join(self._dir, "renderer.sock")
        log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            self.process: subprocess.Popen | None = subprocess.Popen(
                [*(interpreter or [sys.executable]), "-m", "ruwaard_analysis.run.chart_renderer",
                 self.socket_path],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            )  # fmt: skip
        except OSError:
            self.process, self.socket_path = None, None
        finally:
            if log_path:
                log.close()

    def listening(self, timeout: float = 10.0) -> str | None:
        """The socket once the renderer listens on it (kernels may connect), else None."""
        import time

        deadline = time.monotonic() + timeout
        while self.socket_path and not os.path.exists(self.socket_path):
            if self.process is None or self.process.poll() is not None \
                    or time.monotonic() > deadline:  # fmt: skip
                self.socket_path = None
                break
            time.sleep(0.01)
        return self.socket_path

    def stop(self) -> None:
        from .kernels import stop_helper

        stop_helper(self.process, self._dir)
        self._dir = None


def _serve_connection(conn, lock: threading.Lock) -> None:  # pragma: no cover - renderer
    from ruwaard_analysis.present.vega_export import serve_request

    with conn:
        while True:
            try:
                request = json.loads(conn.recv_bytes())
            except (EOFError, OSError):
                return
            try:
                with lock:  # one conversion at a time: vl-convert has one engine
                    answer = serve_request(request)
            except Exception as exc:  # noqa: BLE001 - the kernel converts it itself and raises
                conn.send_bytes(json.dumps({"ok": False, "error": str(exc)[:500]}).encode())
                continue
            conn.send_bytes(b'{"ok": true}')
            conn.send_bytes(answer)


def _exit_with_parent(parent: int) -> None:  # pragma: no cover - renderer
    import time

    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)  # the run was killed: nobody will ask for a chart any more


def serve(path: str) -> None:  # pragma: no cover - the renderer process
    """Listen on ``path`` at once (kernels may connect), warm vl-convert up, then serve."""
    from multiprocessing.connection import Listener

    listener = Listener(path, family="AF_UNIX", backlog=32)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    from ruwaard_analysis.present.vega_export import serve_request

    serve_request({"op": "svg", "spec": json.dumps(WARM_UP)})
    lock = threading.Lock()
    while True:
        conn = listener.accept()
        threading.Thread(target=_serve_connection, args=(conn, lock), daemon=True).start()


if __name__ == "__main__":  # pragma: no cover - the renderer process
    serve(sys.argv[1])
