"""Progress of a run on stderr (a tqdm bar on a terminal, plain lines elsewhere)."""

from __future__ import annotations

import sys


class Progress:
    """Progress of a run on stderr.

    On a terminal: one tqdm bar over the notebooks whose text shows each running notebook
    and its cell (``01_welbevinden: cel 7/23``). Elsewhere (CI logs, pipes): one plain line
    when a notebook starts and when it ends, no carriage-return noise.
    """

    def __init__(self, total: int, enabled: bool, stream=None):
        self.bar = None
        self.lines = False
        self.stream = stream if stream is not None else sys.stderr
        self.running: dict[str, str] = {}
        self.done = 0
        self.total = total
        if not (enabled and total):
            return
        if getattr(self.stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="notebook", desc="notebooks", file=self.stream,
                            dynamic_ncols=True, leave=True)  # fmt: skip
        else:
            self.lines = True

    def handle(self, message: tuple) -> None:
        kind, name = message[0], message[1]
        if kind == "start":
            self.running[name] = "start kernel"
        elif kind == "cell":
            self.running[name] = f"cel {message[2] + 1}/{message[3]}"
        elif kind == "done":
            self.running.pop(name, None)
            self.done += 1
        if self.bar is not None:
            if kind == "done":
                self.bar.update(1)
            postfix = " · ".join(f"{n}: {c}" for n, c in sorted(self.running.items()))
            self.bar.set_postfix_str(postfix)
        elif self.lines and kind in ("start", "done"):
            ok = len(message) < 3 or message[2]
            verb = "start" if kind == "start" else ("klaar" if ok else "mislukt")
            print(f"[{self.done}/{self.total}] {verb}: {name}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str("")
            self.bar.close()


