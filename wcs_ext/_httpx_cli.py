"""httpx without its command line: importing httpx also imports ``httpx._main`` (its
CLI), which pulls in click, rich and pygments, about a third of a ``wcs-ext stat``'s
start-up, for a command we never run. (A known cost: newer forks of httpx import it on
first use.)

:func:`defer_httpx_cli` puts a stand-in for ``httpx._main`` in place before httpx is
first imported. httpx's ``from ._main import main`` then takes the stand-in's ``main``,
which imports the real module when called (the ``httpx`` console script still works);
any other use of the stand-in imports the real module too, so nothing behaves
differently, it only happens later.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

__all__ = ["defer_httpx_cli"]

_NAME = "httpx._main"


def _real() -> types.ModuleType:
    if isinstance(sys.modules.get(_NAME), _DeferredCli):
        del sys.modules[_NAME]
    return importlib.import_module(_NAME)


def _main(*args: Any, **kwargs: Any) -> Any:
    return _real().main(*args, **kwargs)


class _DeferredCli(types.ModuleType):
    main = staticmethod(_main)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asking (``__path__``...): not a use
            raise AttributeError(name)
        return getattr(_real(), name)


def defer_httpx_cli() -> None:
    """Before httpx is imported (else there is nothing to save): stand in for its CLI."""
    if "httpx" in sys.modules or _NAME in sys.modules:
        return
    sys.modules[_NAME] = _DeferredCli(_NAME, __doc__)
