"""State shared by every command: global options, the configuration, the client."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import attrs
import click

from .._settings_table import BY_FIELD
from ..config import ConfigSources, WcsConfig
from ..errors import WcsInputError
from ..transfer.upload_options import UploadOptions
from ._escape import UNSAFE
from ._output import echo
from ._start_up import IN_PROCESS, ModuleLoading

if TYPE_CHECKING:
    from ..client import Wcs

__all__ = [
    "CliState",
    "Interrupted",
    "StoppedPartWay",
    "as_json",
    "emit_json",
    "existing_files",
    "json_text",
    "pass_state",
]


class Interrupted(Exception):
    """Ctrl-C during work that running the same command again continues.

    Not a KeyboardInterrupt: click would turn that into a bare ``Abort`` and lose the
    message (exit code 130 either way). ``resume``: how to continue, as fields of the
    ``--json`` error document (``{"marker": ...}``).
    """

    def __init__(self, message: str, *, resume: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.resume = dict(resume or {})


class StoppedPartWay(Exception):
    """``cause`` ended a command after part of its output was shown; ``resume`` says how
    to continue, as fields of the ``--json`` error document. The error boundary reports
    ``cause`` (its line, its exit code) with them."""

    def __init__(self, cause: Exception, *, resume: Mapping[str, Any]) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.resume = dict(resume)


@attrs.define(kw_only=True)
class CliState:
    config_path: str | None
    profile: str | None
    json_output: bool
    quiet: bool
    debug: bool
    progress: bool | None = None
    """Force the progress bar on (True) or off (False); None: on when stderr is a terminal."""
    overrides: dict[str, object] = attrs.field(factory=dict)
    """Settings given as options (the original's ``--limit``, ``--overwrite``, ...)."""
    upload_type: dict[str, object] = attrs.field(factory=dict)
    """An upload command's ``--content-type`` and ``--[no-]guess-mime-type``, as upload
    options (``content_type``, ``guess_mime_type``)."""
    loading: ModuleLoading = IN_PROCESS
    """How the client's modules are loaded: frozen when the command line owns its
    process (``_start_up.py``)."""
    _loaded: tuple[WcsConfig, ConfigSources] | None = attrs.field(default=None, init=False)
    _client: Wcs | None = attrs.field(default=None, init=False)

    @property
    def loaded(self) -> tuple[WcsConfig, ConfigSources] | None:
        """The configuration, if the command has loaded it (errors name its sources)."""
        return self._loaded

    def config_and_sources(self) -> tuple[WcsConfig, ConfigSources]:
        if self._loaded is None:
            self._loaded = WcsConfig.load_with_sources(
                self.config_path, profile=self.profile, overrides=self.overrides
            )
        return self._loaded

    def config(self, **overrides: object) -> WcsConfig:
        """The configuration (file, profile, env, options), loaded once per command."""
        config = self.config_and_sources()[0]
        return config.with_overrides(**overrides) if overrides else config

    def client(self, **overrides: object) -> Wcs:
        """One client per command; closed when the command ends. ``overrides``: settings
        the command itself fixes (sync overwrites what changed), given on the first call."""
        if self._client is None:
            # Imported here: commands that never talk to WCS (etag, --help) skip httpx.
            with self.loading.batch():
                # httpcore too, which httpx loads when the client makes its first pool.
                import httpcore  # noqa: F401, PLC0415

                from ..client import Wcs  # noqa: PLC0415

            self._client = Wcs(self.config(**overrides))
            click.get_current_context().call_on_close(self._client.close)
        return self._client

    def upload_options(self) -> UploadOptions:
        """The upload-policy options given on the command line (``--overwrite``,
        ``--returnbody``, ..., ``--deadline``), checked and typed as the configuration
        holds them, and the command's ``--content-type`` and ``--[no-]guess-mime-type``:
        each upload passes them as its own options."""
        config = self.config()
        options: dict[str, object] = dict(self.upload_type)
        for field in self.overrides:
            setting = BY_FIELD[field]
            if setting.policy is not None:
                options[setting.policy] = getattr(config, field)
            elif field == "deadline":  # the token's lifetime, not a policy field
                options["deadline"] = config.deadline
        return cast(UploadOptions, options)

    @property
    def show_progress(self) -> bool:
        if self.progress is not None:
            return self.progress and not self.json_output
        return not (self.quiet or self.json_output) and sys.stderr.isatty()

    def say(self, message: str) -> None:
        """A line for people on stdout, unless --quiet or --json."""
        if not (self.quiet or self.json_output):
            echo(message)


pass_state = click.make_pass_decorator(CliState)


def json_text(document: Any) -> str:
    """``document`` as one line of JSON, UTF-8 kept readable; what could still act on a
    terminal (DEL, C1 controls, bidi controls; json escapes the C0 ones) is written as
    ``\\uNNNN``: the same JSON value, nothing raw for a terminal to run."""
    text = json.dumps(document, ensure_ascii=False)
    return UNSAFE.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def emit_json(document: Any) -> None:
    """One JSON document per line on stdout, ready for `jq` and friends."""
    sys.stdout.write(json_text(document) + "\n")


def existing_files(paths: tuple[str, ...]) -> list[Path]:
    """Check every local file up front, so a typo or a file you may not read fails
    before any work or output."""
    files = [Path(p) for p in paths]
    for file in files:
        if not file.exists():
            raise WcsInputError(f"no such file: {file}")
        if not file.is_file():
            raise WcsInputError(f"not a regular file: {file}")
        try:
            file.open("rb").close()
        except OSError as exc:
            raise WcsInputError(f"cannot read {file}: {exc.strerror or exc}") from None
    return files


def as_json(value: Any) -> Any:
    """A result object (attrs) as plain JSON data."""
    if attrs.has(type(value)):
        # A private field (how a job asks for its status) is no data of the result.
        fields = attrs.asdict(value, recurse=False).items()
        return {k: as_json(v) for k, v in fields if not k.startswith("_")}
    if isinstance(value, Mapping):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dt.date):  # a datetime too: ISO 8601, with its zone
        return value.isoformat()
    return value
