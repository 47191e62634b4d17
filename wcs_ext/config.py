"""``WcsConfig``: the validated, immutable settings of one client.

Values come from five layers, highest first::

    overrides  (CLI options, ``with_overrides``)      source "override"
    env        WCS_<FIELD>  (WCS_ACCESS_KEY, ...)      source "env WCS_X"
    profile    [NAME] section of the file              source "profile NAME in PATH"
    file       keys before any section + [default]     source "file PATH"
    built-in   the defaults below                      source "default"

The file is the original ``.wcscfg`` (``wcs-api.md`` §8): ``key = value`` lines,
``#`` comments, ``[section]`` headers; its keys are the original's, case-sensitive
(:data:`FILE_KEYS` maps each field to its key). Unlike the original (§11) every
value is typed when it is read, every error is a one-line :class:`WcsConfigError`
naming key and source (never the secret key's value), nothing is read at import
time and no state is shared between two loads.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Literal, NamedTuple, Self

import attrs

from wcs_ext.errors import WcsConfigError

__all__ = [
    "BLOCK_UNIT",
    "ENV_CONFIG",
    "ENV_PROFILE",
    "ENV_VARS",
    "FILE_KEYS",
    "ConfigSources",
    "WcsConfig",
    "config_path",
    "default_record_folder",
    "mask_secret",
]

BLOCK_UNIT = 4 * 1024 * 1024
"""WCS blocks are multiples of 4 MiB; ``block_size`` must be one."""

ENV_CONFIG = "WCS_CONFIG"
"""Environment variable naming the config file (an explicit path wins over it)."""

ENV_PROFILE = "WCS_PROFILE"
"""Environment variable naming the profile (an explicit ``profile=`` wins over it)."""

_DEFAULT_FILE_NAME = ".wcscfg"
# The original's default record folder: shared and world-writable (§6.5, §11). A file
# written by the original's --configure always holds it, although the original never
# used it; we read it as "not set" so such files land in the per-user folder.
_ORIGINAL_RECORD_FOLDERS = frozenset({"/tmp/multipart", "/tmp/multipart/"})  # noqa: S108

_Kind = Literal["str", "int", "float", "bool", "mode"]


class _Spec(NamedTuple):
    field: str
    key: str  # the key in the .wcscfg file
    kind: _Kind

    @property
    def env(self) -> str:
        return f"WCS_{self.field.upper()}"


# One row per setting of wcs-api.md §8.2 (38 keys), in the order of that table.
_SPECS: tuple[_Spec, ...] = (
    _Spec("access_key", "access_key", "str"),
    _Spec("secret_key", "secret_key", "str"),
    _Spec("put_url", "put_url", "str"),
    _Spec("mgr_url", "mgr_url", "str"),
    _Spec("block_size", "block_size", "int"),
    _Spec("bput_size", "bput_size", "int"),
    _Spec("connection_retries", "connection_retries", "int"),
    _Spec("connection_timeout", "connection_timeout", "float"),
    _Spec("mkblk_retries", "mkblk_retries", "int"),
    _Spec("bput_retries", "bput_retries", "int"),
    _Spec("mkfile_retries", "mkfile_retries", "int"),
    _Spec("tmp_record_folder", "tmp_record_folder", "str"),
    _Spec("concurrency", "concurrency", "int"),
    _Spec("ishttps", "ishttps", "bool"),
    _Spec("isverify", "isverify", "bool"),
    _Spec("keepalive", "keepalive", "bool"),
    _Spec("upload_id", "upload_id", "str"),
    _Spec("output", "output", "str"),
    _Spec("notifyurl", "notifyurl", "str"),
    _Spec("separate", "separate", "int"),
    _Spec("force", "force", "int"),
    _Spec("limit", "limit", "int"),
    _Spec("prefix", "prefix", "str"),
    _Spec("mode", "mode", "mode"),
    _Spec("marker", "marker", "str"),
    _Spec("overwrite", "overwrite", "int"),
    _Spec("return_url", "returnUrl", "str"),
    _Spec("return_body", "returnBody", "str"),
    _Spec("callback_url", "callbackUrl", "str"),
    _Spec("callback_body", "callbackBody", "str"),
    _Spec("persistent_notify_url", "persistentNotifyUrl", "str"),
    _Spec("persistent_ops", "persistentOps", "str"),
    _Spec("content_detect", "contentDetect", "str"),
    _Spec("detect_notify_url", "detectNotifyURL", "str"),
    _Spec("detect_notify_rule", "detectNotifyRule", "str"),
    _Spec("hash_algorithm", "hashAlgorithm", "str"),
    _Spec("deadline", "deadline", "int"),
    _Spec("traffic_limit", "traffic_limit", "int"),
)
_BY_FIELD: Mapping[str, _Spec] = MappingProxyType({s.field: s for s in _SPECS})
_BY_KEY: Mapping[str, _Spec] = MappingProxyType({s.key: s for s in _SPECS})

FILE_KEYS: Mapping[str, str] = MappingProxyType({s.field: s.key for s in _SPECS})
"""Field name -> ``.wcscfg`` key (e.g. ``"return_url" -> "returnUrl"``), all 38 settings."""

ENV_VARS: Mapping[str, str] = MappingProxyType({s.field: s.env for s in _SPECS})
"""Field name -> environment variable (``WCS_<FIELD_NAME_UPPER>``)."""

_MODE_OMIT = 3  # the original's file value for "send no mode"


# ---------------------------------------------------------------------------
# helpers usable without a config


def _home(env: Mapping[str, str]) -> Path:
    home = env.get("HOME")
    return Path(home) if home else Path.home()


def default_record_folder(env: Mapping[str, str] | None = None) -> str:
    """The per-user resume-record folder: ``$XDG_STATE_HOME/wcs-ext/multipart``, else
    ``~/.local/state/wcs-ext/multipart``. Computed on each call from ``env`` (default
    ``os.environ``), never at import time."""
    environ = os.environ if env is None else env
    state = environ.get("XDG_STATE_HOME", "")
    base = Path(state) if state and os.path.isabs(state) else _home(environ) / ".local" / "state"
    return str(base / "wcs-ext" / "multipart")


def config_path(
    path: str | os.PathLike[str] | None = None, *, env: Mapping[str, str] | None = None
) -> Path:
    """The config file ``load`` reads and ``--configure`` writes: ``path``, else
    ``$WCS_CONFIG``, else ``~/.wcscfg``."""
    environ = os.environ if env is None else env
    return _locate(path, environ).path


def mask_secret(value: str) -> str:
    """A display form of a secret: ``""`` when empty, ``****`` when shorter than 8
    characters, else ``****`` and the last 2 (8-15 chars) or 4 (16+ chars) characters."""
    if not value:
        return ""
    if len(value) < 8:
        return "****"
    return "****" + value[-(2 if len(value) < 16 else 4) :]


def _secret_repr(value: str) -> str:
    return "'****'" if value else "''"


def _as_float(value: float) -> float:
    # Ints become floats; anything else is left for the type check in validation.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def _omit_mode(value: int | None) -> int | None:
    return None if value == _MODE_OMIT and not isinstance(value, bool) else value


def _record_folder_factory() -> str:
    return default_record_folder()


# ---------------------------------------------------------------------------
# the config


@attrs.frozen(kw_only=True)
class WcsConfig:
    """All settings of the original ``.wcscfg`` (§8.2), typed and validated.

    Build it with :meth:`load` (file + env + profile + overrides) or directly
    (``WcsConfig(access_key=..., secret_key=..., put_url=..., mgr_url=...)``);
    both validate. Instances are immutable: use :meth:`with_overrides` for a copy.
    """

    access_key: str = ""
    secret_key: str = attrs.field(default="", repr=_secret_repr)
    put_url: str = ""
    mgr_url: str = ""
    block_size: int = BLOCK_UNIT
    bput_size: int = BLOCK_UNIT
    connection_retries: int = 3
    connection_timeout: float = attrs.field(default=40.0, converter=_as_float)
    mkblk_retries: int = 3
    bput_retries: int = 3
    mkfile_retries: int = 3
    tmp_record_folder: str = attrs.field(factory=_record_folder_factory)
    concurrency: int = 4
    ishttps: bool = False
    isverify: bool = True
    # The original defaults to False (`Connection: close` on every POST, a handshake per
    # chunk, §11). We reuse connections by default on purpose; a file may still say False.
    keepalive: bool = True
    upload_id: str = ""
    output: str = ""
    notifyurl: str = ""
    separate: int = 0
    force: int = 0
    limit: int = 1000
    prefix: str = ""
    # list mode 0 or 1; None = not sent (the original's 3, also accepted here)
    mode: int | None = attrs.field(default=None, converter=_omit_mode)
    marker: str = ""
    overwrite: int = 0
    return_url: str = ""
    return_body: str = ""
    callback_url: str = ""
    callback_body: str = ""
    persistent_notify_url: str = ""
    persistent_ops: str = ""
    content_detect: str = ""
    detect_notify_url: str = ""
    detect_notify_rule: str = ""
    hash_algorithm: str = ""
    deadline: int = 7200
    traffic_limit: int = 0

    def __attrs_post_init__(self) -> None:
        values = {s.field: getattr(self, s.field) for s in _SPECS}
        origin = _Origin("argument", "argument")
        for spec in _SPECS:
            _check_type(spec, values[spec.field], origin)
        _validate(values, dict.fromkeys(values, origin))

    # -- loading -------------------------------------------------------------

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        profile: str | None = None,
        env: Mapping[str, str] | None = None,
        overrides: Mapping[str, object] | None = None,
    ) -> Self:
        """Load and validate; see :meth:`load_with_sources`."""
        return cls.load_with_sources(path, profile=profile, env=env, overrides=overrides)[0]

    @classmethod
    def load_with_sources(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        profile: str | None = None,
        env: Mapping[str, str] | None = None,
        overrides: Mapping[str, object] | None = None,
    ) -> tuple[Self, ConfigSources]:
        """Load the config and tell where each value came from.

        ``path``: the file; default ``$WCS_CONFIG``, else ``~/.wcscfg``. A missing
        explicit or ``$WCS_CONFIG`` file is an error, a missing ``~/.wcscfg`` is not.
        ``profile``: a ``[NAME]`` section overlaid on the file's base; default
        ``$WCS_PROFILE``. ``env``: the environment (default ``os.environ``); every
        field can be set as ``WCS_<FIELD_NAME_UPPER>``; empty variables are ignored.
        ``overrides``: field name -> value, typed or as text; ``None`` = not given.
        """
        environ = os.environ if env is None else env
        location = _locate(path, environ)
        display = location.display
        chosen = profile if profile is not None else environ.get(ENV_PROFILE, "")
        parsed = _read_file(location)
        raw = _file_layer(parsed, display, chosen)
        raw.update(_env_layer(environ))
        raw.update(_override_layer(overrides or {}))
        values, origins = _resolve(raw, environ)
        _validate(values, origins)
        config = cls(**values)  # type: ignore[arg-type]
        sources = ConfigSources(
            {name: origin.label for name, origin in origins.items()},
            path=None if parsed is None else display,
            profile=chosen or None,
            unknown_keys=() if parsed is None else parsed.unknown,
        )
        return config, sources

    def with_overrides(self, **overrides: object) -> Self:
        """A validated copy with some fields replaced (values typed or as text;
        ``mode=None`` means "omit")."""
        values: dict[str, object] = {s.field: getattr(self, s.field) for s in _SPECS}
        origins = dict.fromkeys(values, _Origin("current value", "current value"))
        for name, value in overrides.items():
            spec = _BY_FIELD.get(name)
            if spec is None:
                raise WcsConfigError(f"override: unknown setting {name!r}")
            origin = _Origin("override", "override")
            values[name] = _parse(spec, value, origin)
            origins[name] = origin
        if "tmp_record_folder" in overrides:
            _normalize_folder(values, origins, os.environ)
        _validate(values, origins)
        return type(self)(**values)  # type: ignore[arg-type]

    # -- use -----------------------------------------------------------------

    def require(self, *field_names: str) -> None:
        """Raise :class:`WcsConfigError` unless every named field is set (non-empty).

        ``missing access_key: run 'wcs-ext --configure' or set WCS_ACCESS_KEY``
        """
        missing = []
        for name in field_names:
            if name not in _BY_FIELD:
                raise ValueError(f"unknown config field {name!r}")
            if getattr(self, name) in ("", None):
                missing.append(name)
        if missing:
            envs = ", ".join(_BY_FIELD[n].env for n in missing)
            raise WcsConfigError(
                f"missing {', '.join(missing)}: run 'wcs-ext --configure' or set {envs}"
            )

    @property
    def put_base_url(self) -> str:
        """``put_url`` with its scheme (§1) and without a trailing ``/``."""
        return self._base_url("put_url")

    @property
    def mgr_base_url(self) -> str:
        """``mgr_url`` with its scheme (§1) and without a trailing ``/``."""
        return self._base_url("mgr_url")

    def _base_url(self, name: str) -> str:
        self.require(name)
        value: str = getattr(self, name)
        scheme, sep, rest = value.partition("://")
        if sep and scheme.lower() in ("http", "https"):
            url = f"{scheme.lower()}://{rest}"
        else:
            url = ("https://" if self.ishttps else "http://") + value
        return url.rstrip("/")

    # -- writing -------------------------------------------------------------

    def to_file_text(self, *, mask_secret: bool = True) -> str:
        """The ``--dump-config`` text (§8.3): ``[default]``, then ``key = value`` for all
        38 keys in Python string order. The secret key is masked unless asked not to."""
        lines = ["[default]"]
        for key in sorted(_BY_KEY):
            spec = _BY_KEY[key]
            value = getattr(self, spec.field)
            secret = spec.field == "secret_key" and mask_secret
            text = _mask(value) if secret else _render(value)
            lines.append(f"{key} = {text}")
        return "\n".join(lines) + "\n"

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the full, unmasked config to ``path`` atomically, readable by the
        owner only (created 0600; a temporary file in the same folder replaces it)."""
        target = Path(path)
        data = self.to_file_text(mask_secret=False).encode("utf-8")
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            # Created 0600: the secret is never readable by others, not even briefly.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise WcsConfigError(
                f"cannot save configuration to {os.fspath(path)}: {exc.strerror or exc}"
            ) from exc


_mask = mask_secret  # to_file_text's parameter shadows the function name


def _builtin_default(field: str, env: Mapping[str, str]) -> object:
    if field == "tmp_record_folder":
        return default_record_folder(env)
    default: object = attrs.fields_dict(WcsConfig)[field].default
    return default


# ---------------------------------------------------------------------------
# sources


class ConfigSources(Mapping[str, str]):
    """Field name -> where its value came from: ``"default"``, ``"file PATH"``,
    ``"profile NAME in PATH"``, ``"env WCS_X"`` or ``"override"``.

    Also ``path`` (the file read, as shown in messages, or ``None``), ``profile``
    (the profile applied, or ``None``) and ``unknown_keys`` (keys of the file that
    are not settings: ignored like the original does, listed so a caller can warn).
    """

    __slots__ = ("_labels", "path", "profile", "unknown_keys")

    def __init__(
        self,
        labels: Mapping[str, str],
        *,
        path: str | None = None,
        profile: str | None = None,
        unknown_keys: tuple[str, ...] = (),
    ) -> None:
        self._labels = dict(labels)
        self.path = path
        self.profile = profile
        self.unknown_keys = unknown_keys

    def __getitem__(self, name: str) -> str:
        return self._labels[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)

    def __repr__(self) -> str:
        return (
            f"ConfigSources({self._labels!r}, path={self.path!r}, profile={self.profile!r}, "
            f"unknown_keys={self.unknown_keys!r})"
        )


# ---------------------------------------------------------------------------
# reading the file


class _Origin(NamedTuple):
    label: str  # for ConfigSources
    where: str  # for error messages: "PATH line N", "env WCS_X", "override"


_DEFAULT_ORIGIN = _Origin("default", "default")


class _ParsedFile(NamedTuple):
    base: dict[str, tuple[str, int]]  # file key -> (value, line number)
    profiles: dict[str, dict[str, tuple[str, int]]]
    unknown: tuple[str, ...]


_COMMENT = re.compile(r"\s*(#.*)?")
_SECTION = re.compile(r"\s*\[\s*([^\[\]]*?)\s*\]\s*")
_ASSIGN = re.compile(r"\s*([A-Za-z0-9_]+)\s*=(.*)", re.DOTALL)


class _Location(NamedTuple):
    path: Path
    display: str  # how messages show it
    via: str | None  # why it must exist: "" (explicit path), "WCS_CONFIG"; None = optional


def _locate(path: str | os.PathLike[str] | None, env: Mapping[str, str]) -> _Location:
    if path is not None:
        return _Location(Path(path), os.fspath(path), "")
    named = env.get(ENV_CONFIG, "")
    if named:
        return _Location(Path(named), named, ENV_CONFIG)
    return _Location(_home(env) / _DEFAULT_FILE_NAME, f"~/{_DEFAULT_FILE_NAME}", None)


def _read_file(location: _Location) -> _ParsedFile | None:
    path, display = location.path, location.display
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if location.via is None:
            return None
        via = f" (from {location.via})" if location.via else ""
        raise WcsConfigError(f"config file {display}{via} does not exist") from None
    except IsADirectoryError:
        raise WcsConfigError(f"config file {display} is a directory") from None
    except OSError as exc:
        raise WcsConfigError(f"cannot read config file {display}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        number = data.count(b"\n", 0, exc.start) + 1
        raise WcsConfigError(f"{display} line {number}: not valid UTF-8") from None
    return _parse_text(text, display)


def _parse_text(text: str, display: str) -> _ParsedFile:
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
            if key in _BY_KEY:
                section[key] = (value, number)
            else:
                unknown[key] = None
            continue
        # The line is not echoed: it may hold the secret key.
        raise WcsConfigError(
            f"{display} line {number}: expected 'key = value', '[section]' or a '#' comment"
        )
    return _ParsedFile(base, profiles, tuple(unknown))


_Raw = dict[str, tuple[object, _Origin]]  # field -> (value as given, where it came from)


def _file_layer(parsed: _ParsedFile | None, display: str, profile: str) -> _Raw:
    raw: _Raw = {}
    if parsed is not None:
        for key, (text, number) in parsed.base.items():
            origin = _Origin(f"file {display}", f"{display} line {number}")
            raw[_BY_KEY[key].field] = (text, origin)
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
        origin = _Origin(f"profile {profile} in {display}", f"{display} line {number}")
        raw[_BY_KEY[key].field] = (text, origin)
    return raw


def _env_layer(env: Mapping[str, str]) -> _Raw:
    raw: _Raw = {}
    for spec in _SPECS:
        text = env.get(spec.env, "")
        if text:  # an empty variable counts as unset
            raw[spec.field] = (text, _Origin(f"env {spec.env}", f"env {spec.env}"))
    return raw


def _override_layer(overrides: Mapping[str, object]) -> _Raw:
    raw: _Raw = {}
    for name, value in overrides.items():
        if name not in _BY_FIELD:
            raise WcsConfigError(f"override: unknown setting {name!r}")
        if value is not None:  # None = option not given
            raw[name] = (value, _Origin("override", "override"))
    return raw


def _resolve(raw: _Raw, env: Mapping[str, str]) -> tuple[dict[str, object], dict[str, _Origin]]:
    """Typed values (parsed, or built-in defaults) and their origins."""
    values: dict[str, object] = {}
    origins: dict[str, _Origin] = {}
    for spec in _SPECS:
        if spec.field in raw:
            given, origin = raw[spec.field]
            values[spec.field] = _parse(spec, given, origin)
            origins[spec.field] = origin
        else:
            values[spec.field] = _builtin_default(spec.field, env)
            origins[spec.field] = _DEFAULT_ORIGIN
    _normalize_folder(values, origins, env)
    return values, origins


def _normalize_folder(
    values: dict[str, object], origins: dict[str, _Origin], env: Mapping[str, str]
) -> None:
    """An empty ``tmp_record_folder`` or the original's shared one means the per-user
    default; a leading ``~`` is the home folder."""
    folder = values["tmp_record_folder"]
    if folder in _ORIGINAL_RECORD_FOLDERS or folder == "":
        values["tmp_record_folder"] = default_record_folder(env)
        origins["tmp_record_folder"] = _DEFAULT_ORIGIN
    elif isinstance(folder, str) and (folder == "~" or folder.startswith("~/")):
        values["tmp_record_folder"] = str(_home(env) / folder[2:])


# ---------------------------------------------------------------------------
# typing and validating values

_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_BOOLS: Mapping[str, bool] = MappingProxyType(
    {"true": True, "yes": True, "on": True, "1": True}
    | {"false": False, "no": False, "off": False, "0": False}
)
_KIND_TEXT: Mapping[_Kind, str] = MappingProxyType(
    {
        "str": "a string",
        "int": "an integer",
        "float": "a number",
        "bool": "true/yes/on/1 or false/no/off/0",
        "mode": "0, 1 or 3 (omit)",
    }
)


def _name(spec: _Spec, origin: _Origin) -> str:
    """The setting as its source spells it: the file key for file values."""
    return spec.key if origin.label.startswith(("file ", "profile ")) else spec.field


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_error(spec: _Spec, value: object, origin: _Origin) -> WcsConfigError:
    message = f"{origin.where}: {_name(spec, origin)} must be {_KIND_TEXT[spec.kind]}"
    if spec.field != "secret_key":
        message += f", got {_shown(value)}"
    return WcsConfigError(message)


def _parse(spec: _Spec, value: object, origin: _Origin) -> object:
    """``value`` (text from a file/env/CLI, or already typed) as the field's type."""
    if isinstance(value, str) and spec.kind != "str":
        text = value.strip()
        if spec.kind == "bool":
            if text.lower() in _BOOLS:
                return _BOOLS[text.lower()]
        elif spec.kind == "float":
            if _FLOAT.fullmatch(text) and math.isfinite(float(text)):
                return float(text)
        elif _INT.fullmatch(text):
            return _mode(spec, int(text), origin) if spec.kind == "mode" else int(text)
        raise _type_error(spec, value, origin)
    if spec.field == "tmp_record_folder" and isinstance(value, os.PathLike):
        value = os.fspath(value)
    if spec.kind == "mode" and isinstance(value, int) and not isinstance(value, bool):
        return _mode(spec, value, origin)
    if spec.kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    _check_type(spec, value, origin)
    return value


def _mode(spec: _Spec, value: int, origin: _Origin) -> int | None:
    if value == _MODE_OMIT:
        return None
    if value in (0, 1):
        return value
    raise _type_error(spec, value, origin)


def _check_type(spec: _Spec, value: object, origin: _Origin) -> None:
    kind = spec.kind
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
        raise _type_error(spec, value, origin)


_HOST = re.compile(r"\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+")
_URL = re.compile(
    r"(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?"
    r"(?P<host>\[[^\]]*\]|[^/:]*)"
    r"(?::(?P<port>[^/]*))?"
    r"(?P<path>/.*)?",
    re.DOTALL,
)


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

    def __init__(self, values: Mapping[str, object], origins: Mapping[str, _Origin]) -> None:
        self.values = values
        self.origins = origins

    def fail(self, field: str, rule: str, *, show: bool = True) -> WcsConfigError:
        spec, origin = _BY_FIELD[field], self.origins[field]
        got = f", got {_shown(self.values[field])}" if show else ""
        return WcsConfigError(f"{origin.where}: {_name(spec, origin)} {rule}{got}")

    def as_int(self, field: str) -> int:
        value = self.values[field]
        assert isinstance(value, int)
        return value

    def as_text(self, field: str) -> str:
        value = self.values[field]
        assert isinstance(value, str)
        return value


def _validate(values: Mapping[str, object], origins: Mapping[str, _Origin]) -> None:
    """Range and cross-field checks on typed values; the first failure is raised."""
    check = _Checker(values, origins)
    _validate_text(check)
    _validate_numbers(check)


def _validate_text(check: _Checker) -> None:
    for spec in _SPECS:
        value = check.values[spec.field]
        if isinstance(value, str) and ("\n" in value or "\r" in value or "\0" in value):
            raise check.fail(spec.field, "must be one line of text", show=False)
    for field in ("access_key", "secret_key"):
        if len(check.as_text(field)) == 1:
            raise check.fail(field, "must be empty or at least 2 characters long", show=False)
    for field in ("put_url", "mgr_url"):
        url = check.as_text(field)
        if url and (problem := _url_problem(url)) is not None:
            raise WcsConfigError(
                f"{check.origins[field].where}: {field}: unknown URL {_shown(url)} ({problem}); "
                "expected host[:port][/path] or http(s)://host[:port][/path]"
            )


def _validate_numbers(check: _Checker) -> None:
    block, bput = check.as_int("block_size"), check.as_int("bput_size")
    if block <= 0 or block % BLOCK_UNIT:
        raise check.fail("block_size", f"must be a positive multiple of {BLOCK_UNIT} (4 MiB)")
    if bput <= 0:
        raise check.fail("bput_size", "must be positive")
    if bput > block or block % bput:
        source = check.origins["block_size"].label
        raise check.fail("bput_size", f"must divide block_size ({block}, from {source})")
    non_negative = (
        "connection_retries",
        "mkblk_retries",
        "bput_retries",
        "mkfile_retries",
        "concurrency",
        "traffic_limit",
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


def _render(value: object) -> str:
    """A value in the file's syntax, such that reading it back gives the same value."""
    if value is None:  # mode: omit
        return str(_MODE_OMIT)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        quoted = len(value) >= 2 and value[0] == value[-1] == '"'
        return f'"{value}"' if quoted or value != value.strip() else value
    return str(value)
