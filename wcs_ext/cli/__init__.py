"""The ``wcs-ext`` command line (also installed as ``wcscmd``).

The commands are loaded on first use of ``cli`` or ``run``, or when ``main`` runs: the
checksum tools (``wcs_etag_cal``, ``wcs_crc64_cal``) live in this package too and start
without them.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from ._app import cli, run

__all__ = ["cli", "main", "run"]


def main() -> NoReturn:
    """Console-script entry point: the only place that exits the process."""
    from ._start_up import ModuleLoading  # noqa: PLC0415

    loading = ModuleLoading(owns_process=True)
    with loading.batch():
        from ._app import run  # noqa: PLC0415

    sys.exit(run(loading=loading))


def __getattr__(name: str) -> Any:
    if name in ("cli", "run"):
        from . import _app  # noqa: PLC0415

        return getattr(_app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
