"""``WcsConfig``: the validated, immutable settings of one client.

Values come from five layers, highest first::

    overrides  (CLI options, ``with_overrides``)      source "override"
    env        WCS_<FIELD>  (WCS_ACCESS_KEY, ...)      source "env WCS_X"
    profile    [NAME] section of the file              source "profile NAME in PATH"
    file       keys before any section + [default]     source "file PATH"
    built-in   the defaults of the settings table      source "default"

The file is the original ``.wcscfg`` (``wcs-api.md`` §8): ``key = value`` lines,
``#`` comments, ``[section]`` headers; its keys are the original's, case-sensitive
(:data:`FILE_KEYS` maps each field to its key). Unlike the original (§11) every
value is typed when it is read, every error is a one-line :class:`WcsConfigError`
naming key and source (never the secret key's value), nothing is read at import
time and no state is shared between two loads.

Each setting (field, key, kind, default, env name, CLI option, policy field) is one
row of ``_settings_table``; this module adds loading, validation and writing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Self

import attrs

from ._atomic_file import atomic_file
from ._config_file import (
    ENV_CONFIG,
    Raw,
    env_layer,
    file_layer,
    locate,
    override_layer,
    read_bytes,
    read_file,
    replace_section,
)
from ._config_values import (
    DEFAULT_ORIGIN,
    Origin,
    check_type,
    host_list,
    parse_value,
    render,
    validate,
)
from ._settings_table import (
    BLOCK_UNIT,
    BY_FIELD,
    DUMP_ORDER,
    SETTINGS,
    WcsConfigFields,
    default_record_folder,
    home_dir,
)
from .errors import WcsConfigError

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

ENV_PROFILE = "WCS_PROFILE"
"""Environment variable naming the profile (an explicit ``profile=`` wins over it)."""

# The original's default record folder: shared and world-writable (§6.5, §11). A file
# written by the original's --configure always holds it, although the original never
# used it; we read it as "not set" so such files land in the per-user folder.
_ORIGINAL_RECORD_FOLDERS = frozenset({"/tmp/multipart", "/tmp/multipart/"})  # noqa: S108

FILE_KEYS: Mapping[str, str] = MappingProxyType({s.field: s.key for s in SETTINGS})
"""Field name -> ``.wcscfg`` key (e.g. ``"return_url" -> "returnUrl"``), every setting."""

ENV_VARS: Mapping[str, str] = MappingProxyType({s.field: s.env for s in SETTINGS})
"""Field name -> environment variable (``WCS_<FIELD_NAME_UPPER>``)."""


# ---------------------------------------------------------------------------
# helpers usable without a config


def config_path(
    path: str | os.PathLike[str] | None = None, *, env: Mapping[str, str] | None = None
) -> Path:
    """The config file ``load`` reads and ``--configure`` writes: ``path``, else
    ``$WCS_CONFIG``, else ``~/.wcscfg``."""
    environ = os.environ if env is None else env
    return locate(path, environ).path


def mask_secret(value: str) -> str:
    """A display form of a secret: ``""`` when empty, ``****`` when shorter than 8
    characters, else ``****`` and the last 2 (8-15 chars) or 4 (16+ chars) characters."""
    if not value:
        return ""
    if len(value) < 8:
        return "****"
    return "****" + value[-(2 if len(value) < 16 else 4) :]


# ---------------------------------------------------------------------------
# the config


@attrs.frozen(kw_only=True)
class WcsConfig(WcsConfigFields):
    """All settings of the original ``.wcscfg`` (§8.2), typed and validated.

    Build it with :meth:`load` (file + env + profile + overrides) or directly
    (``WcsConfig(access_key=..., secret_key=..., put_url=..., mgr_url=...)``);
    both validate. Instances are immutable: use :meth:`with_overrides` for a copy.
    The fields (``access_key``, ``block_size``, ...) are declared, one row each, in
    ``_settings_table``.
    """

    def __attrs_post_init__(self) -> None:
        values = {s.field: getattr(self, s.field) for s in SETTINGS}
        origin = Origin("argument", "argument")
        for setting in SETTINGS:
            check_type(setting, values[setting.field], origin)
        validate(values, dict.fromkeys(values, origin))

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
        location = locate(path, environ)
        display = location.display
        chosen = profile if profile is not None else environ.get(ENV_PROFILE, "")
        parsed = read_file(location)
        raw = file_layer(parsed, display, chosen)
        raw.update(env_layer(environ))
        raw.update(override_layer(overrides or {}))
        values, origins = _resolve(raw, environ)
        validate(values, origins)
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
        values: dict[str, object] = {s.field: getattr(self, s.field) for s in SETTINGS}
        origins = dict.fromkeys(values, Origin("current value", "current value"))
        for name, value in overrides.items():
            setting = BY_FIELD.get(name)
            if setting is None:
                raise WcsConfigError(f"override: unknown setting {name!r}")
            origin = Origin("override", "override")
            values[name] = parse_value(setting, value, origin)
            origins[name] = origin
        if "tmp_record_folder" in overrides:
            _normalize_folder(values, origins, os.environ)
        validate(values, origins)
        return type(self)(**values)  # type: ignore[arg-type]

    # -- use -----------------------------------------------------------------

    def require(self, *field_names: str) -> None:
        """Raise :class:`WcsConfigError` unless every named field is set (non-empty).

        ``missing access_key: run 'wcs-ext --configure' or set WCS_ACCESS_KEY``
        """
        missing = []
        for name in field_names:
            if name not in BY_FIELD:
                raise ValueError(f"unknown config field {name!r}")
            if getattr(self, name) in ("", None):
                missing.append(name)
        if missing:
            envs = ", ".join(BY_FIELD[n].env for n in missing)
            raise WcsConfigError(
                f"missing {', '.join(missing)}: run 'wcs-ext --configure' or set {envs}"
            )

    @property
    def put_base_urls(self) -> tuple[str, ...]:
        """The hosts of ``put_url`` (one, or several separated by commas), in order, each
        with its scheme (§1) and without a trailing ``/``."""
        return self._base_urls("put_url")

    @property
    def mgr_base_urls(self) -> tuple[str, ...]:
        """The hosts of ``mgr_url``, as :attr:`put_base_urls`."""
        return self._base_urls("mgr_url")

    @property
    def put_base_url(self) -> str:
        """The first host of ``put_url`` (:attr:`put_base_urls`: all of them)."""
        return self.put_base_urls[0]

    @property
    def mgr_base_url(self) -> str:
        """The first host of ``mgr_url`` (:attr:`mgr_base_urls`: all of them)."""
        return self.mgr_base_urls[0]

    @property
    def download_base_url(self) -> str:
        """``download_url`` with its scheme (§1) and without a trailing ``/``; it may
        hold ``{bucket}``, which stands for the bucket of each object's URL."""
        return self._base_url("download_url")

    def _base_urls(self, name: str) -> tuple[str, ...]:
        self.require(name)
        return tuple(self._with_scheme(entry) for entry in host_list(getattr(self, name)))

    def _base_url(self, name: str) -> str:
        self.require(name)
        return self._with_scheme(getattr(self, name))

    def _with_scheme(self, value: str) -> str:
        scheme, sep, rest = value.partition("://")
        if sep and scheme.lower() in ("http", "https"):
            url = f"{scheme.lower()}://{rest}"
        else:
            url = ("https://" if self.ishttps else "http://") + value
        return url.rstrip("/")

    # -- writing -------------------------------------------------------------

    def to_file_text(self, *, mask_secret: bool = True) -> str:
        """The ``--dump-config`` text (§8.3): ``[default]``, then ``key = value`` for all
        keys in Python string order. The secret key is masked unless asked not to."""
        lines = ["[default]"]
        for setting in DUMP_ORDER:
            value = getattr(self, setting.field)
            text = _mask(value) if setting.secret and mask_secret else render(value)
            lines.append(f"{setting.key} = {text}")
        return "\n".join(lines) + "\n"

    def save(self, path: str | os.PathLike[str], *, section: str = "default") -> None:
        """Write the full, unmasked config as ``[section]`` of ``path``, atomically and
        readable by the owner only (a temporary file created 0600 replaces it; a symlink
        is written through, its target replaced). Other sections (profiles) and comments
        of an existing file are kept."""
        target = Path(path)
        # Only "\n" ends a line in the file: str.splitlines would also split on \x1c.
        lines = self.to_file_text(mask_secret=False).split("\n")[1:-1]
        try:
            existing = read_bytes(target, os.fspath(path)).decode("utf-8")
        except FileNotFoundError:
            existing = ""
        except UnicodeDecodeError as exc:
            raise WcsConfigError(f"cannot read {os.fspath(path)} before saving: {exc}") from exc
        data = replace_section(existing, section, lines).encode("utf-8")
        try:
            # Created 0600: the secret is never readable by others, not even briefly.
            with atomic_file(target, mode=0o600) as handle:
                handle.write(data)
        except OSError as exc:
            raise WcsConfigError(
                f"cannot save configuration to {os.fspath(path)}: {exc.strerror or exc}"
            ) from exc


_mask = mask_secret  # to_file_text's parameter shadows the function name


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


def _resolve(raw: Raw, env: Mapping[str, str]) -> tuple[dict[str, object], dict[str, Origin]]:
    """Typed values (parsed, or built-in defaults) and their origins."""
    values: dict[str, object] = {}
    origins: dict[str, Origin] = {}
    for setting in SETTINGS:
        if setting.field in raw:
            given, origin = raw[setting.field]
            values[setting.field] = parse_value(setting, given, origin)
            origins[setting.field] = origin
        else:
            values[setting.field] = setting.builtin_default(env)
            origins[setting.field] = DEFAULT_ORIGIN
    _normalize_folder(values, origins, env)
    return values, origins


def _normalize_folder(
    values: dict[str, object], origins: dict[str, Origin], env: Mapping[str, str]
) -> None:
    """An empty ``tmp_record_folder`` or the original's shared one means the per-user
    default; a leading ``~`` is the home folder."""
    folder = values["tmp_record_folder"]
    if folder in _ORIGINAL_RECORD_FOLDERS or folder == "":
        values["tmp_record_folder"] = default_record_folder(env)
        origins["tmp_record_folder"] = DEFAULT_ORIGIN
    elif isinstance(folder, str) and (folder == "~" or folder.startswith("~/")):
        values["tmp_record_folder"] = str(home_dir(env) / folder[2:])
