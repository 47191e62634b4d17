"""State shared by every command: global options and the lazily loaded configuration."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import click

from ..config import WcsConfig
from ..errors import WcsInputError

__all__ = ["CliState", "emit_json", "existing_files", "pass_state"]


@attrs.define(kw_only=True)
class CliState:
    config_path: str | None
    profile: str | None
    json_output: bool
    quiet: bool
    debug: bool
    _config: WcsConfig | None = attrs.field(default=None, init=False)

    def config(self, **overrides: object) -> WcsConfig:
        """The configuration (file, profile, env), loaded once per command."""
        if self._config is None:
            self._config = WcsConfig.load(self.config_path, profile=self.profile)
        if overrides:
            return self._config.with_overrides(**overrides)
        return self._config


pass_state = click.make_pass_decorator(CliState)


def emit_json(document: Mapping[str, Any]) -> None:
    """One JSON document per line on stdout, ready for `jq` and friends."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")


def existing_files(paths: tuple[str, ...]) -> list[Path]:
    """Check every local file up front, so a typo fails before any work or output."""
    files = [Path(p) for p in paths]
    for file in files:
        if not file.exists():
            raise WcsInputError(f"no such file: {file}")
        if not file.is_file():
            raise WcsInputError(f"not a regular file: {file}")
    return files
