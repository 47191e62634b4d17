"""``--configure`` (interactive, like the original's) and ``--dump-config``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from .._config_file import ENV_CONFIG, locate, read_file
from .._settings_table import DUMP_ORDER
from ..config import WcsConfig, config_path, mask_secret
from ..errors import WcsConfigError
from ._context import CliState, emit_json
from ._output import echo, printable

__all__ = ["configure", "dump_config"]

# The original's questions, in its order: (field, label).
_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("access_key", "Access Key"),
    ("secret_key", "Secret Key"),
    ("put_url", "Upload domain (put_url)"),
    ("mgr_url", "Management domain (mgr_url)"),
    ("block_size", "Block size (bytes, multiple of 4194304)"),
    ("bput_size", "Chunk size (bytes, divides the block size)"),
    ("connection_retries", "Connection retries"),
    ("connection_timeout", "Connection timeout (seconds)"),
    ("mkblk_retries", "mkblk retries"),
    ("bput_retries", "bput retries"),
    ("mkfile_retries", "mkfile retries"),
    ("tmp_record_folder", "Resume record folder"),
    ("concurrency", "Blocks uploaded at once"),
    ("ishttps", "Use HTTPS"),
    ("isverify", "Verify TLS certificates"),
    ("mode", "List mode (0 files first, 1 folders first, 3 flat)"),
    ("keepalive", "Keep connections alive"),
    ("deadline", "Upload token lifetime (seconds)"),
    ("traffic_limit", "Traffic limit (0 = none)"),
)


def dump_config(state: CliState) -> None:
    """Every setting with its value (secret masked) and where it came from."""
    config, sources = state.config_and_sources()
    if state.json_output:
        document: dict[str, Any] = {}
        for setting in DUMP_ORDER:
            value = getattr(config, setting.field)
            shown = mask_secret(value) if setting.secret else value
            document[setting.key] = {"value": shown, "source": sources[setting.field]}
        emit_json(document)
        return
    # The text is the file's (masked), each line followed by where its value came from.
    text = config.to_file_text(mask_secret=True)
    lines = [printable(line) for line in text.split("\n")[1:-1]]
    width = max(len(line) for line in lines)
    echo("[default]")
    for line, setting in zip(lines, DUMP_ORDER, strict=True):
        echo(f"{line.ljust(width)}  # {sources[setting.field]}")


def _ask(field: str, label: str, current: WcsConfig) -> object:
    value = getattr(current, field)
    if field == "secret_key":
        shown = mask_secret(value) or "none"
        # Not echoed on a terminal; from a pipe nothing is echoed anyway, and getpass
        # would only warn about it (or read the terminal instead of the pipe).
        answer = click.prompt(
            printable(f"{label} [{shown}]"),
            default="",
            show_default=False,
            hide_input=sys.stdin.isatty(),
        )
        return answer or value
    if isinstance(value, bool):
        return click.confirm(label, default=value)
    if field == "mode" and value is None:
        value = 3
    answer = click.prompt(printable(f"{label} [{value}]"), default="", show_default=False)
    return answer.strip() or value


def _starting_point(state: CliState, path: Path) -> WcsConfig:
    """The values the questions start from: the file's own (WCS_* variables are not
    written into it); the defaults for a new file or a new profile.

    A file that exists but does not read (a bad line, a bad value, not UTF-8) is refused
    with its error: starting from the defaults would save blank keys over the old ones.
    """
    if not path.exists():
        return WcsConfig()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WCS_") or k == ENV_CONFIG}
    try:
        parsed = read_file(locate(state.config_path, env))
        profile = state.profile or "default"
        if parsed is not None and profile != "default" and profile not in parsed.profiles:
            return WcsConfig()
        return WcsConfig.load(state.config_path, profile=state.profile, env=env)
    except WcsConfigError as exc:
        raise WcsConfigError(f"{exc}; --configure changed nothing: fix the file first") from None


def configure(state: CliState) -> None:
    """Ask for each setting (Enter keeps the current one); save to the config file,
    readable by you only (through a symlink: to its target). The secret key is never
    echoed. A config file that does not read is refused, unchanged."""
    path = config_path(state.config_path)
    section = state.profile or "default"
    current = _starting_point(state, path)
    echo(f"Configuring [{section}] of {path}. Press Enter to keep a value.")
    try:
        while True:
            answers = {field: _ask(field, label, current) for field, label in _QUESTIONS}
            try:
                candidate = current.with_overrides(**answers)
            except WcsConfigError as exc:
                echo(f"error: {exc}", err=True)
                if click.confirm("Retry configuration?", default=True):
                    continue
                raise click.exceptions.Exit(1) from None
            echo()
            echo("New settings:")
            for field, label in _QUESTIONS:
                value = getattr(candidate, field)
                shown = mask_secret(value) if field == "secret_key" else value
                echo(f"  {label}: {shown}")
            if click.confirm("Save settings?", default=False):
                candidate.save(path, section=section)
                echo(f"Configuration saved to '{path}'")
                return
            if not click.confirm("Retry configuration?", default=True):
                break
            current = candidate
    except (click.Abort, EOFError):
        pass
    echo("Configuration aborted. Changes were NOT saved.")
