"""A mkdocs hook for `make docs`: the settings table of the configuration page, made
from the one table of settings (``wcs_ext/_settings_table.py``), so it cannot drift.

``<!-- settings-table -->`` in a page becomes one row per setting: the ``.wcscfg``
key, its ``WCS_*`` variable, the command-line option, the type and the default.
"""

from __future__ import annotations

from typing import Any

from wcs_ext._settings_table import SETTINGS, Setting

__all__ = ["on_page_markdown", "settings_table"]

MARKER = "<!-- settings-table -->"
_KIND_TEXT = {"str": "text", "int": "integer", "float": "number", "bool": "boolean"}


def _default(setting: Setting) -> str:
    if setting.computed is not None:
        return "per user (computed)"
    if setting.kind == "mode":
        return "not sent"
    if setting.default == "":
        return "empty"
    return f"`{setting.default}`"


def _kind(setting: Setting) -> str:
    if setting.kind == "mode":
        return "0, 1, or not sent (3)"
    return _KIND_TEXT[setting.kind]


def settings_table() -> str:
    rows = [
        "| `.wcscfg` key | variable | option | type | default |",
        "|---|---|---|---|---|",
    ]
    for setting in SETTINGS:
        option = f"`{setting.option.name}`" if setting.option else ""
        secret = " (secret: masked when shown)" if setting.secret else ""
        rows.append(
            f"| `{setting.key}`{secret} | `{setting.env}` | {option} | {_kind(setting)} "
            f"| {_default(setting)} |"
        )
    return "\n".join(rows)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    return markdown.replace(MARKER, settings_table()) if MARKER in markdown else markdown
