"""What a many-file run shows: a line per file done (stdout, or a JSON document each
with --json), a line per failure (stderr), a progress bar on a terminal (stderr, rich)
and a closing summary. Counts and failures are kept for the exit code and for the
failure file of batch commands."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ._context import CliState, emit_json
from ._output import echo

__all__ = ["ManyReport"]

# What was done -> what failing to do it is called.
_VERB = {"sent": "send", "fetched": "fetch", "deleted": "delete", "copied": "copy", "moved": "move"}


class ManyReport:
    """The Report of ``wcs_ext.bulk.tree_run`` (and of batch jobs) for the CLI."""

    def __init__(self, state: CliState, *, what: str = "") -> None:
        self._state = state
        self._what = what  # shown before each path: "wcs://b/p/" or a directory
        self.done: Counter[str] = Counter()
        self.failures: list[tuple[str, str, str]] = []
        """(action, path, reason) of each failure, in the order they came."""
        self._bar: Any = None
        self._task: Any = None
        self._bytes: Any = None

    @contextmanager
    def progress_bar(self, files: int, size: int) -> Iterator[None]:
        """A bar for ``files`` files of ``size`` bytes while the run goes, on a terminal."""
        if not (self._state.show_progress and files):
            yield
            return
        import sys  # noqa: PLC0415

        if not sys.stderr.isatty():
            yield
            return
        # rich is imported only for a run on a terminal (tens of ms).
        from rich.console import Console  # noqa: PLC0415
        from rich.progress import (  # noqa: PLC0415
            BarColumn,
            DownloadColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TransferSpeedColumn,
        )

        columns = (
            TextColumn("files"),
            MofNCompleteColumn(),
            BarColumn(),
            DownloadColumn(binary_units=True),
            TransferSpeedColumn(),
        )
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            self._bar = bar
            self._task = bar.add_task("", total=files)
            self._bytes = bar.add_task("", total=size, visible=False)
            try:
                yield
            finally:
                self._bar = None

    def progress(self, delta: int) -> None:
        bar = self._bar
        if bar is not None:
            bar.advance(self._bytes, delta)

    def finished(self, action: str, rel: str, failure: str | None) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, 1)
        shown = f"{self._what}{rel}"
        if failure is not None:
            self.failures.append((action, rel, failure))
            echo(f"failed to {_VERB.get(action, action)} {shown}: {failure}", err=True)
            if self._state.json_output:
                emit_json({"path": rel, "action": action, "ok": False, "error": failure})
            return
        self.done[action] += 1
        if self._state.json_output:
            emit_json({"path": rel, "action": action, "ok": True})
        else:
            self._state.say(f"{action} {shown}")
