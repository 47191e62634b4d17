"""``Config``: the original's configuration object, on :class:`~wcs_ext.WcsConfig`."""

from __future__ import annotations

import os
import re
from typing import Any, NoReturn

import attrs

from wcs_ext import WcsConfig, WcsConfigError

__all__ = ["Config"]

_FIELDS = frozenset(attrs.fields_dict(WcsConfig))
_CAMEL_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])")


def field_of(name: str) -> str:
    """The WcsConfig field behind a ``.wcscfg`` key: ``returnBody`` is ``return_body``,
    ``detectNotifyURL`` is ``detect_notify_url``; snake-case names are fields as they are."""
    field = name if name in _FIELDS else _CAMEL_HUMP.sub("_", name).lower()
    if field not in _FIELDS:
        raise AttributeError(f"Config has no setting {name!r}")
    return field


class Config:
    """The settings of a ``.wcscfg`` file, read as the original's ``Config(path)`` read
    them, each an attribute named by its key (``cfg.put_url``, ``cfg.returnBody``).

    Unlike the original, a Config is a value of its own, not a process-wide singleton:
    loading a second file or setting an attribute changes this Config only (and the
    clients made from it, for their next calls). Values are typed and checked when
    read or set (``overwrite = 0`` in the file means off; a bad value is a
    :class:`~wcs_ext.WcsConfigError` naming it), a missing file is a clear
    ``WcsConfigError``, and ``WCS_*`` environment variables apply over the file as
    everywhere in wcs-ext. The secret key never shows in ``repr`` and a Config is not
    pickled.
    """

    __slots__ = ("_wcs_config",)

    def __init__(self, config_file: str | os.PathLike[str] | None = None) -> None:
        # Without a path: $WCS_CONFIG, else ~/.wcscfg (a missing ~/.wcscfg is no error).
        object.__setattr__(self, "_wcs_config", WcsConfig.load(config_file))

    @classmethod
    def from_wcs_config(cls, config: WcsConfig) -> Config:
        made = cls.__new__(cls)
        object.__setattr__(made, "_wcs_config", config)
        return made

    @property
    def wcs_config(self) -> WcsConfig:
        """The settings as they are now, for :class:`~wcs_ext.Wcs` and the rest of wcs-ext."""
        config: WcsConfig = object.__getattribute__(self, "_wcs_config")
        return config

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.wcs_config, field_of(name))

    def __setattr__(self, name: str, value: object) -> None:
        try:
            field = field_of(name)
        except AttributeError:
            raise WcsConfigError(f"Config has no setting {name!r}") from None
        object.__setattr__(self, "_wcs_config", self.wcs_config.with_overrides(**{field: value}))

    def __repr__(self) -> str:
        return f"Config({self.wcs_config!r})"

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Config holds the secret key and is not pickled; load it again")
