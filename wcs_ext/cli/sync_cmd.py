"""``sync``: a local directory and a prefix made the same, either way, by content."""

from __future__ import annotations

from pathlib import Path

import click

from ._content_type import CONTENT_TYPE_HELP, content_type_options
from ._context import CliState, pass_state
from ._tree import filter_options, jobs_option, path_filter, run_tree, split_sides

__all__ = ["COMMANDS"]

_RULES = """\
Files are compared by content: the local etag (kept in a cache between runs, by path,
size, times and inode) against the stored hash; a file whose size, content or presence
differs is sent, the others are skipped. Only regular files are synced: symbolic links
(never followed), sockets, pipes, devices and files that cannot be read are warned
about and left alone, and so is their counterpart on the other side. Remote to local,
keys become paths component by component, made safe; a key with an empty, '.' or '..'
component is left out: nothing is written outside DST. Exit 0 done, 1 some file failed
(the others were done: run again), 2 bad input or a refused --max-delete."""
_EPILOG = f"{_RULES}\n\nLocal to remote: {CONTENT_TYPE_HELP}"


@click.command("sync", epilog=_EPILOG)
@click.argument("source", metavar="SRC")
@click.argument("destination", metavar="DST")
@click.option(
    "--delete", is_flag=True, help="Delete what DST holds and SRC does not (not left-out paths)."
)
@click.option("--dry-run", is_flag=True, help="Show what would be sent and deleted; do nothing.")
@click.option(
    "--max-delete",
    type=click.IntRange(0),
    metavar="N",
    help="Refuse (do nothing, exit 2) when more than N files would be deleted.",
)
@click.option("--no-cache", is_flag=True, help="Hash every local file again; keep no etags.")
@filter_options
@jobs_option
@content_type_options
@pass_state
def sync_command(
    state: CliState,
    source: str,
    destination: str,
    delete: bool,
    dry_run: bool,
    max_delete: int | None,
    no_cache: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    exclude_from: tuple[Path, ...],
    jobs: int,
) -> None:
    """Make DST hold what SRC holds: a local directory and wcs://BUCKET/PREFIX, either way.

    \b
    Examples:
      $ wcs-ext sync ./site wcs://www/site --delete --exclude '*.tmp'
      $ wcs-ext sync wcs://backup/2026 ./restore --dry-run
      $ wcs-ext sync ./photos wcs://photos --delete --max-delete 10 --exclude-from .syncignore
      $ wcs-ext sync ./feeds wcs://www/feeds --content-type 'application/atom+xml'
    """
    from ..bulk.tree_sync import TreeOptions  # noqa: PLC0415  (only the runs that sync load it)

    local, remote, upward = split_sides(source, destination)
    options = TreeOptions(
        compare=True,
        delete=delete,
        max_delete=max_delete,
        jobs=jobs,
        filter=path_filter(include, exclude, exclude_from),
    )
    run_tree(
        state,
        local=local,
        remote=remote,
        upward=upward,
        options=options,
        dry_run=dry_run,
        use_cache=not no_cache,
        command="sync",
    )


COMMANDS = (sync_command,)
