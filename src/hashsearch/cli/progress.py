"""The progress bar: on stderr, only on a terminal and not with -q."""

from __future__ import annotations

import sys
from typing import Any


class Progress:
    """A tqdm bar of files hashed (or copied), then of photos verified; each bar is
    created on its first update, and the first is closed when the second starts."""

    def __init__(self, quiet: bool, what: str = "hashing", unit: str = "file") -> None:
        self._shown = not quiet and sys.stderr.isatty()
        self._bar: Any = None
        self._what, self._unit = what, unit

    def update(self, done: int, total: int) -> None:
        """Hashing (or copying): ``done`` of ``total`` files."""
        if not self._shown:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit=self._unit, desc=self._what, file=sys.stderr)
        self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def verified(self, done: int, total: int) -> None:
        """Verifying: ``done`` of ``total`` photos compared with their look-alikes."""
        if self._shown and self._what != "verifying":
            self.close()
            self._what, self._unit = "verifying", "photo"
        self.update(done, total)

    def close(self) -> None:
        """Leave the bar as it stands."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
