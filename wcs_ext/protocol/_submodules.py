"""The submodules of a package, each imported when first named (PEP 562).

Here, in the lowest layer, so that ``wcs_ext.protocol`` (which may import nothing else
of the client) and ``wcs_ext.transfer`` share it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["load_submodule"]


def load_submodule(package: str, name: str) -> ModuleType:
    """``package.name``, imported now; ``AttributeError`` if there is no such module (as a
    package's ``__getattr__`` must raise), but an import that fails inside it stands."""
    try:
        return importlib.import_module(f".{name}", package)
    except ModuleNotFoundError as exc:
        if exc.name != f"{package}.{name}":
            raise  # the module exists, and something it imports does not
        raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
