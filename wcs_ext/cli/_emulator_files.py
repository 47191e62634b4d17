"""The files ``wcs-ext emulator`` uses besides its data directory: the config it writes
for clients (``--write-config``), the request log it appends to (``--log``) and the
recordings it reads (``--live-recordings FILE``). Each is checked before the emulator
listens, so a bad path is one clear line and exit 2, never a failed start."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import click

from .._atomic_file import atomic_file

if TYPE_CHECKING:
    from ..emulator.live_recordings import LiveRecordings

__all__ = [
    "MAX_GENERATED_RECORDINGS",
    "check_config_value",
    "check_log_file",
    "check_new_file",
    "config_text",
    "live_recordings",
    "write_config",
]

MAX_GENERATED_RECORDINGS: Final = 10_000
_MAX_RECORDINGS_FILE: Final = 16 << 20
# A value the .wcscfg syntax (ours and the original's) reads back unchanged: no line
# break or other control, no space at either end, not wrapped in double quotes.
_PLAIN_VALUE = re.compile(r'(?!")[^\x00-\x20\x7f]([^\x00-\x1f\x7f]*[^\x00-\x20\x7f])?(?<!")')


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def check_log_file(path: Path) -> None:
    """The request log can be appended to (it is created 0600 if missing)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as exc:
        raise click.UsageError(f"cannot write the request log {path}: {_reason(exc)}") from None
    os.close(fd)


def check_new_file(path: Path, what: str) -> None:
    """``path`` can be made: its folder exists, and it is no folder itself."""
    folder = path.parent
    if path.is_dir():
        raise click.UsageError(f"{what} {path} is a directory")
    if not folder.is_dir():
        raise click.UsageError(f"{what} {path}: no such directory {folder}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise click.UsageError(f"{what} {path}: cannot write in {folder}")


def check_config_value(key: str, value: str) -> None:
    """``value`` reads back from a config file as it is, else a usage error."""
    if not _PLAIN_VALUE.fullmatch(value):
        # The value is not shown: it may be the secret key.
        raise click.UsageError(
            f"--write-config: the {key} cannot be written to a config file (it holds "
            "a control character, spaces at an end or enclosing quotes)"
        )


def config_text(info: dict[str, Any]) -> str:
    """A ``.wcscfg`` for the emulator of ready line ``info``: its keys and URLs, which
    wcs-ext and the original wcscmd both read (the original ignores ``download_url``)."""
    values = {
        "access_key": info["access_key"],
        "secret_key": info["secret_key"],
        "put_url": info["put_url"],
        "mgr_url": info["mgr_url"],
        "download_url": f"{info['download_url']}/{{bucket}}",
    }
    for key, value in values.items():
        check_config_value(key, value)
    lines = [
        f"# The local WCS emulator at {info['put_url']}; its keys are for it alone.",
        "[default]",
        *(f"{key} = {value}" for key, value in values.items()),
    ]
    return "\n".join(lines) + "\n"


def write_config(path: Path, info: dict[str, Any]) -> None:
    """Write the config for ``info`` to ``path``: whole or not at all, owner-only (0600)."""
    text = config_text(info)
    with atomic_file(path, mode=0o600) as handle:
        handle.write(text.encode("utf-8"))


def live_recordings(value: str | None) -> LiveRecordings:
    """``--live-recordings``: a count (recordings per channel) or a JSON file of them;
    none when not given."""
    # Imported here: it needs the extra, which the command has checked for by now.
    from ..emulator.live_recordings import LiveRecordings as Seeds  # noqa: PLC0415

    if value is None:
        return Seeds()
    if value.isascii() and value.isdigit():
        count = int(value)
        if count > MAX_GENERATED_RECORDINGS:
            raise click.UsageError(
                f"--live-recordings: at most {MAX_GENERATED_RECORDINGS} per channel, got {count}"
            )
        return Seeds(count=count)
    path = Path(value)
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_RECORDINGS_FILE + 1)
    except OSError as exc:
        raise click.UsageError(f"--live-recordings: cannot read {path}: {_reason(exc)}") from None
    if len(data) > _MAX_RECORDINGS_FILE:
        raise click.UsageError(f"--live-recordings: {path} is larger than 16 MiB")
    try:
        return Seeds.from_json_text(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise click.UsageError(f"--live-recordings: {path}: {exc}") from None
