"""How a value of a setting (a row of ``_settings_table``) is typed and validated."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from ._settings_table import BLOCK_UNIT, BY_FIELD, MODE_OMIT, SETTINGS, Kind, Setting
from .errors import WcsConfigError
from .transfer.bandwidth import parse_rate


class Origin(NamedTuple):
    label: str  # for ConfigSources
    where: str  # for error messages: "PATH line N", "env WCS_X", "override"


DEFAULT_ORIGIN = Origin("default", "default")


_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_BOOLS: Mapping[str, bool] = MappingProxyType(
    {"true": True, "yes": True, "on": True, "1": True}
    | {"false": False, "no": False, "off": False, "0": False}
)
_KIND_TEXT: Mapping[Kind, str] = MappingProxyType(
    {
        "str": "a string",
        "int": "an integer",
        "float": "a number",
        "bool": "true/yes/on/1 or false/no/off/0",
        "mode": "0, 1 or 3 (omit)",
    }
)


def setting_name(setting: Setting, origin: Origin) -> str:
    """The setting as its source spells it: the file key for file values."""
    return setting.key if origin.label.startswith(("file ", "profile ")) else setting.field


def shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def type_error(setting: Setting, value: object, origin: Origin) -> WcsConfigError:
    message = f"{origin.where}: {setting_name(setting, origin)} must be {_KIND_TEXT[setting.kind]}"
    if not setting.secret:
        message += f", got {shown(value)}"
    return WcsConfigError(message)


def parse_value(setting: Setting, value: object, origin: Origin) -> object:
    """``value`` (text from a file/env/CLI, or already typed) as the field's type."""
    if isinstance(value, str) and setting.kind != "str":
        text = value.strip()
        if setting.kind == "bool":
            if text.lower() in _BOOLS:
                return _BOOLS[text.lower()]
        elif setting.kind == "float":
            if _FLOAT.fullmatch(text) and math.isfinite(float(text)):
                return float(text)
        elif _INT.fullmatch(text):
            return mode_value(setting, int(text), origin) if setting.kind == "mode" else int(text)
        raise type_error(setting, value, origin)
    if setting.field == "tmp_record_folder" and isinstance(value, os.PathLike):
        value = os.fspath(value)
    if setting.kind == "mode" and isinstance(value, int) and not isinstance(value, bool):
        return mode_value(setting, value, origin)
    if setting.kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    check_type(setting, value, origin)
    return value


def mode_value(setting: Setting, value: int, origin: Origin) -> int | None:
    if value == MODE_OMIT:
        return None
    if value in (0, 1):
        return value
    raise type_error(setting, value, origin)


def check_type(setting: Setting, value: object, origin: Origin) -> None:
    kind = setting.kind
    if kind == "str":
        ok = isinstance(value, str)
    elif kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "float":
        ok = isinstance(value, float) and math.isfinite(value)
    elif kind == "mode":
        ok = value is None or (isinstance(value, int) and not isinstance(value, bool))
        ok = ok and value in (None, 0, 1)
    else:
        ok = isinstance(value, int) and not isinstance(value, bool)
    if not ok:
        raise type_error(setting, value, origin)


_HOST = re.compile(r"\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+")
_URL = re.compile(
    r"(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?"
    r"(?P<host>\[[^\]]*\]|[^/:]*)"
    r"(?::(?P<port>[^/]*))?"
    r"(?P<path>/.*)?",
    re.DOTALL,
)


_LIST_COMMA = re.compile(r"\s*,\s*")
HOST_LISTS = ("put_url", "mgr_url")
"""Settings that take several hosts, comma-separated: requests fail over between them.
Not ``download_url``: a bucket's download domain is a CDN's, which spreads requests over
its edges itself, and an object's URL (printed, signed, shared) is one URL."""


def host_list(value: str) -> list[str]:
    """The entries of a comma-separated list of hosts, without the spaces around the
    commas (``"http://a:1, http://b:2"``); an empty entry stays, for validation to name.
    Spaces before the first or after the last are kept: a single URL is checked as it
    always was."""
    return _LIST_COMMA.split(value)


def _url_problem(value: str) -> str | None:
    """Why ``value`` is not ``[http[s]://]host[:port][/path]``, or ``None``."""
    match = _URL.fullmatch(value)
    assert match is not None  # the pattern matches every string
    scheme, port = match["scheme"], match["port"]
    host, path = match["host"] or "", match["path"] or ""
    checks = (
        (any(c.isspace() for c in value), "it contains whitespace"),
        (
            scheme is not None and scheme.lower() not in ("http", "https"),
            f"scheme {scheme!r} is not http or https",
        ),
        ("://" in host + path, "the scheme is malformed"),
        (not host, "the host is empty"),
        (not _HOST.fullmatch(host), f"bad host {host!r}"),
        (
            port is not None and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536),
            f"bad port {port!r}",
        ),
        ("?" in path or "#" in path, "a query or fragment is not allowed"),
    )
    return next((problem for bad, problem in checks if bad), None)


class _Checker:
    """Raises the first rule a value breaks, naming key and source."""

    def __init__(self, values: Mapping[str, object], origins: Mapping[str, Origin]) -> None:
        self.values = values
        self.origins = origins

    def fail(self, field: str, rule: str, *, show: bool = True) -> WcsConfigError:
        setting, origin = BY_FIELD[field], self.origins[field]
        got = f", got {shown(self.values[field])}" if show else ""
        return WcsConfigError(f"{origin.where}: {setting_name(setting, origin)} {rule}{got}")

    def as_int(self, field: str) -> int:
        value = self.values[field]
        assert isinstance(value, int)
        return value

    def as_text(self, field: str) -> str:
        value = self.values[field]
        assert isinstance(value, str)
        return value


def validate(values: Mapping[str, object], origins: Mapping[str, Origin]) -> None:
    """Range and cross-field checks on typed values; the first failure is raised."""
    check = _Checker(values, origins)
    _validate_text(check)
    _validate_numbers(check)


def _validate_text(check: _Checker) -> None:
    for setting in SETTINGS:
        value = check.values[setting.field]
        if isinstance(value, str) and ("\n" in value or "\r" in value or "\0" in value):
            raise check.fail(setting.field, "must be one line of text", show=False)
    for field in ("access_key", "secret_key"):
        if len(check.as_text(field)) == 1:
            raise check.fail(field, "must be empty or at least 2 characters long", show=False)
    for field in HOST_LISTS:
        given = check.as_text(field)
        if not given:
            continue
        entries = host_list(given)
        for number, entry in enumerate(entries, 1):
            # Each entry on its own; the list's place only when there is a list.
            which = f"host {number} of {len(entries)}: " if len(entries) > 1 else ""
            problem = "it is empty" if not entry else _url_problem(entry)
            if problem is not None:
                raise _bad_url(check, field, entry if entry else given, which + problem)
    # `{bucket}` in download_url is filled in per object: check it as a host would be.
    given = check.as_text("download_url")
    url = given.replace("{bucket}", "bucket")
    if len([entry for entry in host_list(url) if "://" in entry]) > 1:
        # A comma may be part of a path; several schemes make it a list (see HOST_LISTS).
        raise _bad_url(check, "download_url", given, "one URL only, not a list")
    if url and (problem := _url_problem(url)) is not None:
        raise _bad_url(check, "download_url", given, problem)


def _bad_url(check: _Checker, field: str, given: str, problem: str) -> WcsConfigError:
    return WcsConfigError(
        f"{check.origins[field].where}: {field}: unknown URL {shown(given)} ({problem}); "
        "expected host[:port][/path] or http(s)://host[:port][/path]"
        + (", or several of them separated by commas" if field in HOST_LISTS else "")
    )


def _validate_numbers(check: _Checker) -> None:
    try:
        parse_rate(check.as_text("limit_rate"))
    except ValueError as exc:
        raise check.fail("limit_rate", str(exc).split(", got ")[0]) from None
    block, bput = check.as_int("block_size"), check.as_int("bput_size")
    if block <= 0 or block % BLOCK_UNIT:
        raise check.fail("block_size", f"must be a positive multiple of {BLOCK_UNIT} (4 MiB)")
    if bput <= 0:
        raise check.fail("bput_size", "must be positive")
    if bput > block or block % bput:
        source = check.origins["block_size"].label
        raise check.fail("bput_size", f"must divide block_size ({block}, from {source})")
    slice_size = check.as_int("download_slice_size")
    if slice_size <= 0 or slice_size % BLOCK_UNIT:
        raise check.fail(
            "download_slice_size", f"must be a positive multiple of {BLOCK_UNIT} (4 MiB)"
        )
    non_negative = (
        "connection_retries",
        "mkblk_retries",
        "bput_retries",
        "mkfile_retries",
        "concurrency",
        "max_concurrency",
        "traffic_limit",
        "download_parallel_threshold",
    )
    for field in non_negative:
        if check.as_int(field) < 0:
            raise check.fail(field, "must not be negative")
    if not 1 <= check.as_int("limit") <= 1000:
        raise check.fail("limit", "must be between 1 and 1000")
    if check.as_int("deadline") <= 0:
        raise check.fail("deadline", "must be positive (seconds)")
    timeout = check.values["connection_timeout"]
    assert isinstance(timeout, float)
    if timeout <= 0:
        raise check.fail("connection_timeout", "must be positive (seconds)")
    for field in ("overwrite", "separate", "force"):
        if check.as_int(field) not in (0, 1):
            raise check.fail(field, "must be 0 or 1")


def render(value: object) -> str:
    """A value in the file's syntax, such that reading it back gives the same value."""
    if value is None:  # mode: omit
        return str(MODE_OMIT)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        quoted = len(value) >= 2 and value[0] == value[-1] == '"'
        return f'"{value}"' if quoted or value != value.strip() else value
    return str(value)
