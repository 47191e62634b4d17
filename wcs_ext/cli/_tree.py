"""What ``sync``, ``put -r`` and ``get -r`` share: their options, which side is which,
the run with its progress, failures and closing summary, and its exit code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import click

from ..errors import WcsError, WcsInputError
from ._context import CliState, Interrupted, emit_json
from ._many_report import ManyReport
from ._output import echo, human_size
from ._urls import parse_target

if TYPE_CHECKING:
    from ..bulk.etag_cache import EtagCache
    from ..bulk.filters import PathFilter
    from ..bulk.tree_sync import Prepared, TreeOptions

# The many-file machinery (wcs_ext.bulk) is imported by the runs that use it, inside the
# functions below: every other command (a stat, a put of one file) starts without it.

__all__ = ["filter_options", "jobs_option", "run_tree", "split_sides"]

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_JOBS = 8


def jobs_option(function: F) -> F:
    return click.option(
        "-j",
        "--jobs",
        type=click.IntRange(1, 64),
        metavar="N",
        default=DEFAULT_JOBS,
        show_default=True,
        help="Files sent or fetched at once.",
    )(function)


def filter_options(function: F) -> F:
    """--include, --exclude, --exclude-from: gitignore patterns, relative to the source."""
    for option in reversed(
        (
            click.option(
                "--include", "include", metavar="PATTERN", multiple=True,
                help="Only paths matching PATTERN (gitignore rules; repeatable).",
            ),
            click.option(
                "--exclude", "exclude", metavar="PATTERN", multiple=True,
                help="Leave out paths matching PATTERN (gitignore rules; repeatable). "
                "Left out paths are never deleted either.",
            ),
            click.option(
                "--exclude-from", "exclude_from", metavar="FILE", multiple=True,
                type=click.Path(dir_okay=False, path_type=Path),
                help="Exclude patterns from FILE, one a line (as a .gitignore).",
            ),
        )
    ):  # fmt: skip
        function = option(function)
    return function


def path_filter(
    include: tuple[str, ...], exclude: tuple[str, ...], exclude_from: tuple[Path, ...]
) -> PathFilter:
    from ..bulk.filters import PathFilter, read_patterns  # noqa: PLC0415

    return PathFilter.of(include, [*exclude, *read_patterns(exclude_from)])


def split_sides(first: str, second: str) -> tuple[str, str, bool]:
    """(local, remote, upward) of two arguments, one of them wcs://BUCKET[/PREFIX]."""
    first_remote, second_remote = first.startswith("wcs://"), second.startswith("wcs://")
    if first_remote == second_remote:
        raise WcsInputError(
            "one side must be a local directory and the other wcs://BUCKET[/PREFIX], "
            f"got {first!r} and {second!r}"
        )
    return (second, first, False) if first_remote else (first, second, True)


def _cache(state: CliState, root: Path, use: bool) -> EtagCache:
    from ..bulk.etag_cache import EtagCache, cache_file_for  # noqa: PLC0415

    if not use:
        return EtagCache(None)
    # platformdirs is imported only for the runs that keep etags.
    from platformdirs import user_cache_dir  # noqa: PLC0415

    return EtagCache(cache_file_for(root, Path(user_cache_dir("wcs-ext"))))


def run_tree(
    state: CliState,
    *,
    local: str,
    remote: str,
    upward: bool,
    options: TreeOptions,
    dry_run: bool = False,
    use_cache: bool = True,
    command: str,
) -> None:
    """Decide, show or do, report; a WcsError (exit 1) when any file failed."""
    from ..bulk.keys import prefix_of  # noqa: PLC0415
    from ..bulk.tree_sync import prepare_download, prepare_upload  # noqa: PLC0415

    bucket, key_part = parse_target(remote)
    prefix = prefix_of(key_part)
    root = Path(local)
    # List mode and page settings of the config do not apply to the one flat listing a
    # run makes; a sync overwrites what changed, put -r only with --overwrite 1.
    wcs = state.client(mode=None)
    upload = state.upload_options()
    if options.compare:
        upload["overwrite"] = 1
    options = attrs.evolve(options, upload=upload)
    cache = _cache(state, root, use_cache)
    warn: Callable[[str], None] = lambda line: echo(line, err=True)  # noqa: E731
    try:
        if upward:
            prepared = prepare_upload(
                wcs, root, bucket, prefix, options=options, cache=cache, warn=warn
            )
        else:
            prepared = prepare_download(
                wcs, bucket, prefix, root, options=options, cache=cache, warn=warn
            )
    except KeyboardInterrupt:
        raise Interrupted("interrupted: nothing was sent or deleted") from None
    shown_remote = f"wcs://{bucket}/{prefix}"
    shown_local = f"{root}/" if not local.endswith("/") else local
    if dry_run:
        _show_plan(state, prepared, shown_remote if upward else shown_local)
        return
    report = ManyReport(state, what=shown_remote if upward else shown_local)
    plan = prepared.plan
    try:
        with report.progress_bar(len(plan.send) + len(plan.delete), prepared.send_bytes):
            prepared.run(report)
    except KeyboardInterrupt:
        raise Interrupted(
            f"interrupted: run the same command again to finish the {command}"
        ) from None
    _summary(state, report, prepared, upward=upward)


def _show_plan(state: CliState, prepared: Prepared, where: str) -> None:
    plan = prepared.plan
    if state.json_output:
        for action, rels in (("send", plan.send), ("delete", plan.delete)):
            for rel in rels:
                emit_json({"path": rel, "action": action, "dry_run": True})
    else:
        for rel in plan.send:
            echo(f"would send {where}{rel}")
        for rel in plan.delete:
            echo(f"would delete {where}{rel}")
    line = (
        f"dry run: would send {len(plan.send)} ({human_size(prepared.send_bytes)}), "
        f"skip {len(plan.unchanged)} (same content), delete {len(plan.delete)}"
    )
    if prepared.ignored:
        line += f"; {prepared.ignored} left alone (see the warnings)"
    echo(line, err=state.json_output)


def _summary(state: CliState, report: ManyReport, prepared: Prepared, *, upward: bool) -> None:
    moved = "sent" if upward else "fetched"
    failed = len(report.failures)
    counts = {
        moved: report.done[moved],
        "skipped": len(prepared.plan.unchanged),
        "deleted": report.done["deleted"],
        "failed": failed,
    }
    if state.json_output:
        emit_json({"summary": counts | {"left_alone": prepared.ignored}})
    elif not state.quiet:
        # put -r and get -r neither compare nor delete: no such counts to show.
        compared = (
            f", skipped {counts['skipped']} (same content), deleted {counts['deleted']}"
            if prepared.compared
            else ""
        )
        line = f"{moved} {counts[moved]}{compared}, failed {failed}"
        if prepared.ignored:
            line += f"; {prepared.ignored} left alone (see the warnings)"
        echo(line)
    if failed:
        raise WcsError(
            f"{failed} of {failed + report.done[moved] + report.done['deleted']} "
            "files failed (listed above); run the same command again to retry them"
        )
