"""The command group, shared options and the one error boundary of the command line.

Exit codes (``_errors.py`` decides them): 0 success; 1 the operation failed (server
error, integrity failure); 2 bad usage or input (a missing or unreadable file, a bad
argument, bad configuration); 130 interrupted. Errors are one line on stderr (with
``--json``, also a document on stdout: ``_errors.error_document``); ``--debug`` adds the
traceback before it, except for bad usage or input; ``-v`` logs requests and retries.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import click

from .._settings_table import option_settings
from ._commands import LazyCommands
from ._compat import normalize_argv
from ._context import CliState, Interrupted, StoppedPartWay, emit_json
from ._errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    classify,
    error_document,
    record_folder_error,
)
from ._output import LibraryMessages, echo, echo_verbatim, library_messages
from ._start_up import IN_PROCESS, ModuleLoading

__all__ = ["cli", "run"]


F = TypeVar("F", bound=Callable[..., Any])


class _Invocation:
    """What :func:`run` gives the group: where wcs_ext's log records go, and how the
    commands load their modules."""

    __slots__ = ("loading", "messages")

    def __init__(self, messages: LibraryMessages, loading: ModuleLoading) -> None:
        self.messages = messages
        self.loading = loading


class _Group(LazyCommands):
    """The group, which names the setting behind a failing local path: only here, with
    the command's state at hand, is it known which path came from which setting."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as exc:
            named = record_folder_error(ctx.obj, exc) if isinstance(ctx.obj, CliState) else None
            if named is None:
                raise
            raise named from exc


def _setting_options(function: F) -> F:
    """The options of the settings table (the original wcscmd's --limit, --overwrite,
    ...): each overrides its setting, and works before or after the command."""
    for setting, option in reversed(option_settings()):
        function = click.option(
            option.name, setting.field, metavar=option.metavar, help=option.help
        )(function)
    return function


@click.group(
    cls=_Group,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    invoke_without_command=True,
    epilog="Exit codes: 0 done, 1 the operation failed, 2 bad usage or input, "
    "130 interrupted (Ctrl-C; run the same transfer again to continue it).",
)
@click.option(
    "-c",
    "--config",
    "config_path",
    metavar="FILE",
    # WCS_CONFIG is read by the config loader, which names it when the file is missing.
    help="Config file in .wcscfg format. [default: ~/.wcscfg; env WCS_CONFIG]",
)
@click.option(
    "--profile", metavar="NAME", envvar="WCS_PROFILE", help="Named [section] of the config file."
)
@click.option("--json", "json_output", is_flag=True, help="Machine-readable JSON on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or chatter.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show transfer progress bars. [default: when stderr is a terminal]",
)
@click.option(
    "--debug",
    is_flag=True,
    help="Show a traceback when something fails (the original's --debug VALUE works too).",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Log every request and retry to stderr (keys, tokens and signatures masked).",
)
@click.option("-s", "--ssl", is_flag=True, help="Use https for hosts given without a scheme.")
@click.option("--configure", is_flag=True, help="Set up the config file interactively.")
@click.option(
    "--dump-config", is_flag=True, help="Show every setting and where it came from (secret masked)."
)
@click.option("--relevance", metavar="V", hidden=True)
@_setting_options
@click.version_option(package_name="wcs-ext", message="%(prog)s %(version)s")
@click.pass_context
def cli(
    ctx: click.Context,
    /,
    config_path: str | None,
    profile: str | None,
    json_output: bool,
    quiet: bool,
    progress: bool | None,
    debug: bool,
    verbose: bool,
    ssl: bool,
    configure: bool,
    dump_config: bool,
    relevance: str | None,
    **settings: str | None,
) -> None:
    """Wangsu/CDNetworks Cloud Storage (WCS) from the command line.

    A drop-in for the original wcscmd: its commands, arguments and options work as
    they did, options before or after the command. Keys and hosts come from ~/.wcscfg
    (the original's format; set it up with --configure), a --profile section of it,
    and WCS_ACCESS_KEY, WCS_SECRET_KEY, WCS_PUT_URL, WCS_MGR_URL (or --put-url,
    --mgr-url: several hosts separated by commas fail over to each other).

    \b
    Examples:
      wcs-ext put wcs://photos/2026/cat.jpg cat.jpg
      wcs-ext list wcs://photos --prefix 2026/
      wcs-ext get "https://photos.example.com/2026/cat.jpg"
      wcs-ext sync ./photos wcs://photos/2026 --limit-rate 2M   # at most 2 MiB/s
      wcs-ext emulator --bucket photos      # a local WCS to try all this on
    """
    invocation = ctx.find_object(_Invocation)  # given by run(); absent under a test runner
    if verbose and invocation is not None:
        invocation.messages.show_debug()
    overrides: dict[str, object] = {name: value for name, value in settings.items() if value}
    if ssl:
        overrides["ishttps"] = True
    if relevance is not None:
        echo("warning: --relevance has no effect (as in the original)", err=True)
    state = CliState(
        config_path=config_path,
        profile=profile,
        json_output=json_output,
        quiet=quiet,
        debug=debug,
        progress=progress,
        overrides=overrides,
        loading=IN_PROCESS if invocation is None else invocation.loading,
    )
    ctx.obj = state
    if configure:
        from .configure import configure as run_configure  # noqa: PLC0415

        run_configure(state)
    elif dump_config:
        from .configure import dump_config as dump  # noqa: PLC0415

        dump(state)
    elif ctx.invoked_subcommand is None:
        echo_verbatim(ctx.get_help())
        return
    else:
        return
    ctx.exit(0)


def _click_message(exc: click.ClickException) -> str:
    """click's error in one line; a usage error says where the help is."""
    message = " ".join(exc.format_message().split())
    if isinstance(exc, click.UsageError) and exc.ctx is not None:
        message += f" (see '{exc.ctx.command_path} --help')"
    return message


def run(
    argv: Sequence[str] | None = None,
    *,
    prog_name: str | None = None,
    loading: ModuleLoading = IN_PROCESS,
) -> int:
    """Run the command line and return its exit code (never exits the process).
    ``loading``: how the commands load their modules (``_start_up.py``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    failure = _Failure(json_output=_asks_for_json(args))
    try:
        args = normalize_argv(cli, args, lambda message: echo(message, err=True))
        with library_messages() as messages:
            invocation = _Invocation(messages, loading)
            cli.main(args=args, prog_name=prog_name, standalone_mode=False, obj=invocation)
    except click.exceptions.Exit as exc:
        code: int = exc.exit_code
    except click.ClickException as exc:
        code = failure.report(exc.exit_code, _click_message(exc), exc)
    except Interrupted as exc:
        if sys.stderr.isatty():
            echo(err=True)  # past the terminal's ^C
        code = failure.report(EXIT_INTERRUPTED, str(exc), exc, prefix="", resume=exc.resume)
    except (click.Abort, KeyboardInterrupt) as exc:
        code = failure.report(EXIT_INTERRUPTED, str(exc) or "Interrupted.", exc, prefix="")
    except BrokenPipeError:
        # `wcs-ext ... | head`: the reader left; nothing useful to say.
        code = EXIT_FAILED
    except StoppedPartWay as stopped:
        code = _report(stopped.cause, failure, debug="--debug" in args, resume=stopped.resume)
    except Exception as exc:
        code = _report(exc, failure, debug="--debug" in args)
    else:
        code = EXIT_OK
    return code


def _asks_for_json(args: Sequence[str]) -> bool:
    """--json among the options (before a ``--``), known before click has parsed them:
    a usage error, too, is then reported as JSON."""
    words = list(args)
    return "--json" in (words[: words.index("--")] if "--" in words else words)


class _Failure:
    """How a failure is reported: its one line on stderr, and with ``--json`` its
    document on stdout as well (``_errors.error_document``), for a script reading it."""

    def __init__(self, *, json_output: bool) -> None:
        self._json_output = json_output

    def report(
        self,
        code: int,
        message: str,
        exc: BaseException | None,
        *,
        prefix: str = "error: ",
        resume: Mapping[str, Any] | None = None,
    ) -> int:
        """``resume``: how to continue (``{"marker": ...}``), fields of the document."""
        if self._json_output:
            try:
                emit_json(error_document(exc, message) | dict(resume or {}))
                sys.stdout.flush()
            except BrokenPipeError:
                pass  # the reader left; stderr still gets the line
        echo(f"{prefix}{message}", err=True)
        return code


def _report(
    exc: Exception,
    failure: _Failure,
    *,
    debug: bool,
    resume: Mapping[str, Any] | None = None,
) -> int:
    """The one line of an error (after its traceback with --debug, unless it is bad
    usage or input) and its exit code."""
    known = classify(exc)
    code = EXIT_FAILED if known is None else known[0]
    if debug and code != EXIT_USAGE:
        for line in "".join(traceback.format_exception(exc)).rstrip("\n").split("\n"):
            echo(line, err=True)
    if known is not None:
        message = known[1]
    elif debug:
        message = f"internal error: {type(exc).__name__}: {exc}"
    else:
        # A bug of ours: still one line, and the way to see more.
        message = (
            f"internal error: {type(exc).__name__}: {exc} "
            "(run again with --debug for the traceback)"
        )
    return failure.report(code, message, exc, resume=resume)
