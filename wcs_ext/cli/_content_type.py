"""``--content-type`` and ``--guess-mime-type/--no-guess-mime-type``: the type the uploads
of ``put``, ``multiput``, ``put -r`` and ``sync`` store their objects with.

Both become upload options of every upload the command makes (``content_type``,
``guess_mime_type``, see :class:`~wcs_ext.transfer.upload_options.UploadOptions`), kept on
the command's :class:`CliState` as they are parsed, so each command passes them on with
its other policy options (``state.upload_options()``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..transfer.content_types import content_type_problem
from ._context import CliState

__all__ = ["CONTENT_TYPE_HELP", "content_type_options"]

F = TypeVar("F", bound=Callable[..., Any])

CONTENT_TYPE_HELP = """\
The stored type (served as the downloads' Content-Type) is the one the key's extension
implies, the same on every machine (.js text/javascript, .woff2 font/woff2, .ts video/mp2t,
...); --content-type TYPE forces one for every file, --no-guess-mime-type sends none (the
server's default applies; the guess_mime_type setting turns guessing off for good)."""


class _ContentType(click.ParamType[str]):
    name = "type"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        problem = content_type_problem(str(value))
        if problem is not None:
            self.fail(problem, param, ctx)
        return str(value)


def _keep(option: str) -> Callable[[click.Context, click.Parameter, object], None]:
    """A callback keeping the option's value, when given, as the upload option ``option``."""

    def keep(ctx: click.Context, _: click.Parameter, value: object) -> None:
        if value is not None:
            ctx.find_object(CliState).upload_type[option] = value  # type: ignore[union-attr]

    return keep


def content_type_options(function: F) -> F:
    """The two options of a command that uploads."""
    function = click.option(
        "--guess-mime-type/--no-guess-mime-type",
        default=None,
        expose_value=False,
        callback=_keep("guess_mime_type"),
        help="Take each file's type from its key's extension, or send none. "
        "[default: the guess_mime_type setting, on]",
    )(function)
    return click.option(
        "--content-type",
        metavar="TYPE",
        type=_ContentType(),
        expose_value=False,
        callback=_keep("content_type"),
        help="The MIME type to store every file with, e.g. 'text/html; charset=utf-8'.",
    )(function)
