"""Progress bars on a terminal, and nothing in a log file or under --quiet."""

from __future__ import annotations

import sys


class Bar:
    """tqdm fed by ``update(done, total)`` callbacks, created on the first report, so that work
    of a single part (a short file is one piece) shows no bar at all."""

    def __init__(self, desc: str, unit: str) -> None:
        self._bar = None
        self._desc, self._unit = desc, unit

    def update(self, done: int, total: int) -> None:
        if total < 2:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit=self._unit, desc=self._desc, file=sys.stderr, leave=False)
        self._bar.n = done
        self._bar.refresh()
        if done >= total:
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def progress_bar(quiet: bool, desc: str, unit: str) -> Bar | None:
    return None if quiet or not sys.stderr.isatty() else Bar(desc, unit)
