"""The command group, shared options and the one error boundary of the command line.

Exit codes: 0 success; 1 the operation failed (server error, integrity failure);
2 bad usage or input (a missing file, a bad argument, bad configuration). Errors are
one line on stderr; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NoReturn

import click

from ..errors import WcsConfigError, WcsError, WcsInputError
from ._context import CliState
from .checksums import crc64_command, etag_command
from .tokens import token_group

__all__ = ["cli", "main", "run"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "-c",
    "--config",
    "config_path",
    metavar="FILE",
    envvar="WCS_CONFIG",
    help="Config file in .wcscfg format. [default: ~/.wcscfg; env WCS_CONFIG]",
)
@click.option(
    "--profile", metavar="NAME", envvar="WCS_PROFILE", help="Named [section] of the config file."
)
@click.option("--json", "json_output", is_flag=True, help="Machine-readable JSON on stdout.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or chatter.")
@click.option("--debug", is_flag=True, help="Show a traceback when something fails.")
@click.version_option(package_name="wcs-ext", message="%(prog)s %(version)s")
@click.pass_context
def cli(
    ctx: click.Context,
    config_path: str | None,
    profile: str | None,
    json_output: bool,
    quiet: bool,
    debug: bool,
) -> None:
    """Wangsu/CDNetworks Cloud Storage (WCS) from the command line.

    Keys and hosts come from ~/.wcscfg (the original wcscmd's format) and the
    WCS_ACCESS_KEY, WCS_SECRET_KEY, WCS_PUT_URL, WCS_MGR_URL environment variables.

    \b
    Examples:
      wcs-ext etag big.iso                 # the WCS hash of a local file
      wcs-ext token upload --scope photos:2026/cat.jpg
    """
    ctx.obj = CliState(
        config_path=config_path,
        profile=profile,
        json_output=json_output,
        quiet=quiet,
        debug=debug,
    )


cli.add_command(etag_command)
cli.add_command(crc64_command)
cli.add_command(token_group)


def _exit_code(exc: BaseException) -> int | None:
    """The exit code for an exception the boundary reports in one line; None: not ours."""
    if isinstance(exc, (WcsConfigError, WcsInputError)):
        return EXIT_USAGE
    if isinstance(exc, (WcsError, OSError)):
        return EXIT_FAILED
    return None


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, WcsError):
        detail = exc.strerror or str(exc)
        return f"{detail}: {exc.filename}" if exc.filename else detail
    return str(exc)


def run(argv: Sequence[str] | None = None, *, prog_name: str | None = None) -> int:
    """Run the command line and return its exit code (never exits the process)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        cli.main(args=args, prog_name=prog_name, standalone_mode=False)
    except click.exceptions.Exit as exc:
        code: int = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        click.echo("Interrupted.", err=True)
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        # `wcs-ext ... | head`: the reader left; nothing useful to say.
        code = EXIT_FAILED
    except Exception as exc:
        if "--debug" in args:
            raise
        known = _exit_code(exc)
        if known is None:
            # A bug of ours: still one line, and the way to see more.
            click.echo(
                f"error: internal error: {type(exc).__name__}: {exc} "
                "(run again with --debug for the traceback)",
                err=True,
            )
            code = EXIT_FAILED
        else:
            click.echo(f"error: {_one_line(exc)}", err=True)
            code = known
    else:
        code = EXIT_OK
    return code


def main() -> NoReturn:
    """Console-script entry point: the only place that exits the process."""
    sys.exit(run())
