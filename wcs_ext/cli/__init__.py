"""The ``wcs-ext`` command line (also installed as ``wcscmd``)."""

from ._app import cli, main, run

__all__ = ["cli", "main", "run"]
