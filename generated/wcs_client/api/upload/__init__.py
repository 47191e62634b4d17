"""Contains endpoint functions for accessing the API

Each endpoint module is imported on first use (PEP 562), as ``package.endpoint``: a
program that calls one endpoint does not pay for importing the others.
"""

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import make_block, make_file, make_file_typed, put_chunk, upload_file

__all__ = (
    "make_block",
    "make_file",
    "make_file_typed",
    "put_chunk",
    "upload_file",
)


def __getattr__(name: str) -> ModuleType:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return importlib.import_module(f".{name}", __name__)


def __dir__() -> list[str]:
    return sorted(__all__)
