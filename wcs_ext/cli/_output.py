"""Human-readable output: aligned columns (never truncated), sizes and times for people.

Every line for people goes through :func:`echo`, which shows control characters escaped
(:func:`printable`): an object key or an error holding ESC, CR or LF cannot move the
cursor, recolour the terminal or forge a line. ``--json`` output is exact JSON instead.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

import click

from ..transfer.progress import RESUME_LOGGER, ProgressCallback, TransferProgress
from ._escape import printable

__all__ = [
    "LibraryMessages",
    "echo",
    "echo_verbatim",
    "human_size",
    "library_messages",
    "local_time",
    "print_table",
    "printable",
    "transfer_bar",
]


def echo(message: str = "", *, err: bool = False) -> None:
    """One line for people, control characters escaped (stdout; stderr with ``err``)."""
    click.echo(printable(message), err=err)


def echo_verbatim(text: str) -> None:
    """Text of our own, several lines (help, a completion script): as it is."""
    click.echo(text)


class _EchoHandler(logging.Handler):
    """A library message as one escaped line: its text holds paths and server words."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            echo(record.getMessage(), err=True)
        except Exception:  # a broken message must not end the command
            self.handleError(record)


# INFO lines a person running a command wants without asking (an upload resumes).
_NOTICE_LOGGERS = (RESUME_LOGGER,)


class LibraryMessages:
    """What of wcs_ext's logging reaches stderr: warnings and notices, and with
    :meth:`show_debug` (``-v``) every request and retry too."""

    def __init__(self) -> None:
        self._handler = _EchoHandler(logging.DEBUG)
        self._handler.addFilter(self._shown)
        self._verbose = False
        self._levels: dict[str, int] = {}

    def _shown(self, record: logging.LogRecord) -> bool:
        return (
            self._verbose
            or record.levelno >= logging.WARNING
            or (record.levelno >= logging.INFO and record.name in _NOTICE_LOGGERS)
        )

    def _set_level(self, name: str, level: int) -> None:
        logger = logging.getLogger(name)
        self._levels.setdefault(name, logger.level)
        logger.setLevel(level)

    def show_debug(self) -> None:
        self._verbose = True
        self._set_level("wcs_ext", logging.DEBUG)

    def __enter__(self) -> LibraryMessages:
        logging.getLogger("wcs_ext").addHandler(self._handler)
        for name in _NOTICE_LOGGERS:
            self._set_level(name, logging.INFO)
        return self

    def __exit__(self, *exc_info: object) -> None:
        logging.getLogger("wcs_ext").removeHandler(self._handler)
        for name, level in self._levels.items():
            logging.getLogger(name).setLevel(level)
        self._levels.clear()


def library_messages() -> LibraryMessages:
    """While a command runs, wcs_ext's log records reach stderr through :func:`echo`
    (without it, Python's last-resort handler would print them raw)."""
    return LibraryMessages()


_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def human_size(size: int | None) -> str:
    if size is None:
        return "-"
    value = float(size)
    for unit in _UNITS:
        if value < 1024 or unit == _UNITS[-1]:
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def local_time(moment: int | datetime | None) -> str:
    """A time (epoch milliseconds or an aware datetime) in the local zone, for people."""
    if moment is None:
        return "-"
    if isinstance(moment, int):
        moment = datetime.fromtimestamp(moment / 1000, tz=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Columns padded to their widest cell; the last column is never padded or cut."""
    table = [list(headers), *[[printable(str(cell)) for cell in row] for row in rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers) - 1)]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        echo("  ".join([*cells, row[-1]]).rstrip())


def _progress_lines(description: str) -> ProgressCallback:
    shown = {"tenth": -1}

    def update(progress: TransferProgress) -> None:
        fraction = progress.fraction
        tenth = -1 if fraction is None else int(fraction * 10)
        if tenth > shown["tenth"]:
            shown["tenth"] = tenth
            rate = f"{human_size(int(progress.rate))}/s"
            total = human_size(progress.total) if progress.total else "?"
            echo(
                f"{description}: {tenth * 10:3d}% ({human_size(progress.done)} of {total}, {rate})",
                err=True,
            )

    return update


@contextmanager
def transfer_bar(
    description: str, total: int | None, *, enabled: bool
) -> Iterator[ProgressCallback | None]:
    """A progress bar on stderr fed by transfer progress; nothing when not ``enabled``.

    On a terminal it is a live bar; elsewhere (a log, CI) a line at every tenth.
    """
    if not enabled:
        yield None
        return
    if not sys.stderr.isatty():
        yield _progress_lines(description)
        return
    # rich takes tens of milliseconds to import: only a transfer on a terminal pays it.
    from rich.console import Console  # noqa: PLC0415
    from rich.markup import escape  # noqa: PLC0415
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(binary_units=True),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        # A key is no markup: "[red]" stays text, control characters are escaped.
        task = bar.add_task(escape(printable(description)), total=total)

        def update(progress: TransferProgress) -> None:
            bar.update(task, completed=progress.done, total=progress.total)

        yield update
