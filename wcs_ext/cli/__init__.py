"""The ``wcs-ext`` command line (also installed as ``wcscmd``).

The commands are loaded on first use of ``cli``, ``main`` or ``run``: the checksum tools
(``wcs_etag_cal``, ``wcs_crc64_cal``) live in this package too and start without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._app import cli, main, run

__all__ = ["cli", "main", "run"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import _app  # noqa: PLC0415

        return getattr(_app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
