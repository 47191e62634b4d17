"""``storage_options`` → :class:`~wcs_ext.config.WcsConfig`, found as the CLI finds it.

A filesystem is configured like ``wcs-ext``: ``config=`` (a file; default
``$WCS_CONFIG``, else ``~/.wcscfg``), ``profile=`` (a section of it; default
``$WCS_PROFILE``), the ``WCS_*`` environment, and any setting given by name
(``access_key=``, ``secret_key=``, ``put_url=``, ``download_url=``, ``block_size=``...),
highest first: given, environment, profile, file.

What a pickle carries is how to find the config again (the options without the secret
key): a worker process loads the secret from its own environment, file or profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._settings_table import BY_FIELD
from ..config import WcsConfig
from ..errors import WcsConfigError

__all__ = ["CONFIG_OPTIONS", "check_options", "load_config", "without_secrets"]

CONFIG_OPTIONS = frozenset({"config", "profile"})
"""The options that say where the config is, besides the settings by name."""

_SECRET_FIELDS = frozenset(s.field for s in BY_FIELD.values() if s.secret)
_REQUIRED = ("access_key", "secret_key", "put_url", "mgr_url")


def without_secrets(options: Mapping[str, Any]) -> dict[str, Any]:
    """The options that may be kept, shown and pickled: every one but the secret key."""
    return {name: value for name, value in options.items() if name not in _SECRET_FIELDS}


def check_options(options: Mapping[str, Any]) -> None:
    unknown = sorted(set(options) - CONFIG_OPTIONS - set(BY_FIELD))
    if unknown:
        raise TypeError(
            f"unknown storage option(s) for wcs://: {', '.join(unknown)} "
            "(expected config, profile, or settings such as access_key, put_url, download_url)"
        )


def load_config(options: Mapping[str, Any]) -> WcsConfig:
    """The config the options describe, for the filesystem's use: writes replace existing
    objects as files do (``'xb'`` and ``mode='create'`` ask the server not to), and
    listings are flat unless asked per call."""
    check_options(options)
    overrides = {name: value for name, value in options.items() if name in BY_FIELD}
    config = WcsConfig.load(
        options.get("config"), profile=options.get("profile"), overrides=overrides
    )
    missing = [name for name in _REQUIRED if not getattr(config, name)]
    if missing:
        hint = (
            " (a secret_key given in storage_options stays in the process that was given "
            "it and is never pickled: other processes find theirs through WCS_SECRET_KEY, "
            "the config file or a profile)"
            if "secret_key" in missing
            else ""
        )
        raise WcsConfigError(
            f"wcs:// needs {', '.join(missing)}: set them in storage_options, WCS_* "
            f"variables or the config file{hint}"
        )
    # Full pages unless a page size is asked for (the config's limit is the CLI's).
    pages = {} if "limit" in options else {"limit": 1000}
    return config.with_overrides(overwrite=1, mode=None, **pages)
