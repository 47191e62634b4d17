"""A Griffe extension for `make docs`: the docstrings' reST markup as Markdown.

The docstrings are written for ``help()`` and editors, in reST's inline forms:
``:class:`~wcs_ext.errors.WcsError``` and its kin, and a paragraph ending in ``::``
before an indented example. mkdocstrings renders Markdown, so before rendering each
role becomes a cross-reference (``~`` shows the last name only; a name without dots
is found as Python would find it, from the docstring's own scope: the `scoped_crossrefs`
option in mkdocs.yml) and ``::`` a plain colon. A reference that names nothing
documented is a warning, and `mkdocs build --strict` fails on it.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

__all__ = ["RestRoles", "rest_to_markdown"]

_ROLE = re.compile(
    r":(?:py:)?(?:class|func|meth|attr|data|exc|mod|obj):`(?P<short>~?)(?P<name>[^`]+)`"
)
_LITERAL_MARK = re.compile(r"(?m)(?P<before>\S?)(?P<mark>[ \t]*::)[ \t]*$")


def _reference(match: re.Match[str]) -> str:
    name = match["name"].strip()
    shown = name.rsplit(".", 1)[-1] if match["short"] else name.lstrip(".")
    return f"[`{shown}`][{name}]"


def _literal_mark(match: re.Match[str]) -> str:
    # "Example::" -> "Example:"; a "::" alone on its line -> nothing.
    return f"{match['before']}:" if match["before"] else ""


def rest_to_markdown(text: str) -> str:
    """``text`` with its reST roles as Markdown cross-references and ``::`` as ``:``."""
    return _LITERAL_MARK.sub(_literal_mark, _ROLE.sub(_reference, text))


class RestRoles(griffe.Extension):
    """Rewrites every docstring once, as its object is loaded."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = rest_to_markdown(obj.docstring.value)
