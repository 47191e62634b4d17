"""Finding, reading and layering the ``.wcscfg`` file and the ``WCS_*`` environment,
and editing its text (the write itself goes through ``_atomic_file``)."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from ._config_values import Origin
from ._settings_table import BY_FIELD, BY_KEY, SETTINGS, home_dir
from .errors import WcsConfigError

ENV_CONFIG = "WCS_CONFIG"
"""Environment variable naming the config file (an explicit path wins over it)."""

_DEFAULT_FILE_NAME = ".wcscfg"

MAX_CONFIG_BYTES = 1 << 20
"""A config file is a few hundred bytes: anything above 1 MiB is no config file (a log,
a disk image, a link to /dev/zero) and is refused instead of read to its end."""


class ParsedFile(NamedTuple):
    base: dict[str, tuple[str, int]]  # file key -> (value, line number)
    profiles: dict[str, dict[str, tuple[str, int]]]
    unknown: tuple[str, ...]


_COMMENT = re.compile(r"\s*(#.*)?")
_SECTION = re.compile(r"\s*\[\s*([^\[\]]*?)\s*\]\s*")
_ASSIGN = re.compile(r"\s*([A-Za-z0-9_]+)\s*=(.*)", re.DOTALL)


class Location(NamedTuple):
    path: Path
    display: str  # how messages show it
    via: str | None  # why it must exist: "" (explicit path), "WCS_CONFIG"; None = optional


def locate(path: str | os.PathLike[str] | None, env: Mapping[str, str]) -> Location:
    if path is not None:
        return Location(Path(path), os.fspath(path), "")
    named = env.get(ENV_CONFIG, "")
    if named:
        return Location(Path(named), named, ENV_CONFIG)
    return Location(home_dir(env) / _DEFAULT_FILE_NAME, f"~/{_DEFAULT_FILE_NAME}", None)


def read_bytes(path: Path, display: str) -> bytes:
    """The bytes of a config file, at most :data:`MAX_CONFIG_BYTES` of them.

    A regular file or a pipe (``-c <(pass show wcs)``) is read; a device (``/dev/zero``,
    ``/dev/urandom``, a terminal), a socket or a folder is refused before it is opened,
    a larger file after 1 MiB. Raises ``FileNotFoundError`` for a missing file, else
    :class:`WcsConfigError` in one line.
    """
    try:
        kind = path.stat().st_mode
        if stat.S_ISDIR(kind):
            raise WcsConfigError(f"config file {display} is a directory")
        if not (stat.S_ISREG(kind) or stat.S_ISFIFO(kind)):
            raise WcsConfigError(f"config file {display} is not a regular file")
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise WcsConfigError(f"cannot read config file {display}: {exc.strerror or exc}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise WcsConfigError(
            f"config file {display} is larger than {MAX_CONFIG_BYTES >> 20} MiB: not a config file"
        )
    return data


def read_file(location: Location) -> ParsedFile | None:
    path, display = location.path, location.display
    try:
        data = read_bytes(path, display)
    except FileNotFoundError:
        if location.via is None:
            return None
        via = f" (from {location.via})" if location.via else ""
        raise WcsConfigError(f"config file {display}{via} does not exist") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        number = data.count(b"\n", 0, exc.start) + 1
        raise WcsConfigError(f"{display} line {number}: not valid UTF-8") from None
    return parse_text(text, display)


def parse_text(text: str, display: str) -> ParsedFile:
    base: dict[str, tuple[str, int]] = {}
    profiles: dict[str, dict[str, tuple[str, int]]] = {}
    unknown: dict[str, None] = {}
    section = base
    # Only \n (and \r\n) end a line: str.splitlines would also split on \x1c, \u2028...
    for number, line in enumerate(text.split("\n"), start=1):
        if _COMMENT.fullmatch(line):
            continue
        if match := _SECTION.fullmatch(line):
            name = match[1]
            if not name:
                raise WcsConfigError(f"{display} line {number}: empty section name")
            section = base if name == "default" else profiles.setdefault(name, {})
            continue
        if match := _ASSIGN.fullmatch(line):
            key, value = match[1], match[2].strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            if key in BY_KEY:
                section[key] = (value, number)
            else:
                unknown[key] = None
            continue
        # The line is not echoed: it may hold the secret key.
        raise WcsConfigError(
            f"{display} line {number}: expected 'key = value', '[section]' or a '#' comment"
        )
    return ParsedFile(base, profiles, tuple(unknown))


Raw = dict[str, tuple[object, Origin]]  # field -> (value as given, where it came from)


def file_layer(parsed: ParsedFile | None, display: str, profile: str) -> Raw:
    raw: Raw = {}
    if parsed is not None:
        for key, (text, number) in parsed.base.items():
            origin = Origin(f"file {display}", f"{display} line {number}")
            raw[BY_KEY[key].field] = (text, origin)
    if not profile or profile == "default":
        return raw
    if parsed is None:
        raise WcsConfigError(
            f"unknown profile {profile!r}: no config file ({display} does not exist)"
        )
    if profile not in parsed.profiles:
        known = ", ".join(sorted(parsed.profiles)) or "none"
        raise WcsConfigError(f"unknown profile {profile!r} in {display} (profiles there: {known})")
    for key, (text, number) in parsed.profiles[profile].items():
        origin = Origin(f"profile {profile} in {display}", f"{display} line {number}")
        raw[BY_KEY[key].field] = (text, origin)
    return raw


def env_layer(env: Mapping[str, str]) -> Raw:
    raw: Raw = {}
    for setting in SETTINGS:
        text = env.get(setting.env, "")
        if text:  # an empty variable counts as unset
            raw[setting.field] = (text, Origin(f"env {setting.env}", f"env {setting.env}"))
    return raw


def override_layer(overrides: Mapping[str, object]) -> Raw:
    raw: Raw = {}
    for name, value in overrides.items():
        if name not in BY_FIELD:
            raise WcsConfigError(f"override: unknown setting {name!r}")
        if value is not None:  # None = option not given
            raw[name] = (value, Origin("override", "override"))
    return raw


def replace_section(text: str, section: str, body: list[str]) -> str:
    """``text`` with ``[section]`` holding exactly ``body``; other sections and comments
    stay as they were. Keys before any section belong to ``[default]``."""
    out: list[str] = []
    current = "default"
    replaced = False
    for line in text.split("\n"):
        if match := _SECTION.fullmatch(line):
            current = match[1] or current
            if current == section:
                if not replaced:
                    out.extend([f"[{section}]", *body])
                    replaced = True
                continue
        elif current == section and _ASSIGN.fullmatch(line):
            continue  # an old value of the section being written
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    if not replaced:
        out.extend(["", f"[{section}]", *body] if out else [f"[{section}]", *body])
    return "\n".join(out) + "\n"
