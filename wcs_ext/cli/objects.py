"""``stat``, ``del``, ``mv``, ``cp``, ``setdeadline``; ``del``, ``mv`` and ``cp`` also take
many objects (``_batch.py``)."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import WcsInputError
from ._batch import BatchVerb, batch_options, read_targets, run_batch_command
from ._context import CliState, as_json, emit_json, pass_state
from ._output import echo, human_size, local_time
from ._urls import parse_object, parse_target

__all__ = ["COMMANDS"]


@click.command("stat")
@click.argument("target", metavar="wcs://BUCKET/KEY")
@pass_state
def stat_command(state: CliState, target: str) -> None:
    """Show an object's size, hash, type and upload time.

    \b
    Example:
      $ wcs-ext stat wcs://photos/2026/cat.jpg
    """
    bucket, key = parse_object(target)
    info = state.client().stat(bucket, key)
    if state.json_output:
        emit_json({"bucket": bucket, **as_json(info)})
        return
    rows = (
        ("key", info.key),
        ("size", f"{human_size(info.size)} ({info.size} bytes)"),
        ("hash", info.hash or "-"),
        ("mime type", info.mime_type or "-"),
        ("uploaded", local_time(info.put_time_ms)),
        ("expires", local_time(info.expiration_date) if info.expiration_date else "never"),
        ("storage class", info.storage_class or "-"),
    )
    for name, value in rows:
        echo(f"{name + ':':15} {value}")


_BATCH = """\
With several objects, or --from-file, the work is done as server-side fmgr jobs (split
to the size the service takes), a line per object; the ones that failed are listed in
the --failures file, which the next run takes as --from-file. Exit 1 if any failed."""


@click.command("del", epilog=_BATCH)
@click.argument("targets", metavar="wcs://BUCKET/KEY...", nargs=-1)
@batch_options
@pass_state
def del_command(
    state: CliState, targets: tuple[str, ...], from_file: str | None, failures_path: Path
) -> None:
    """Delete objects (one at once; several as jobs; for a whole prefix see deletePrefix).

    \b
    Examples:
      $ wcs-ext del wcs://photos/2026/cat.jpg
      $ wcs-ext del wcs://photos/a.jpg wcs://photos/b.jpg
      $ wcs-ext --json listall wcs://tmp | jq -r '"wcs://tmp/" + .key' | wcs-ext del --from-file -
    """
    if len(targets) != 1 or from_file is not None:
        run_batch_command(
            state, "delete", read_targets(targets, from_file), failures_path=failures_path
        )
        return
    [target] = targets
    bucket, key = parse_object(target)
    result = state.client().delete(bucket, key)
    if state.json_output:
        emit_json({"deleted": target, "request_id": result.request_id})
    else:
        state.say(f"deleted {target}")


def _move_or_copy(state: CliState, verb: BatchVerb, source: str, destination: str) -> None:
    src_bucket, src_key = parse_object(source)
    dst_bucket, dst_key = parse_target(destination)
    wcs = state.client()
    run = wcs.move if verb == "move" else wcs.copy
    result = run(src_bucket, src_key, dst_bucket, dst_key or None)
    shown = f"wcs://{dst_bucket}/{dst_key or src_key}"
    if state.json_output:
        emit_json({"source": source, "destination": shown, "request_id": result.request_id})
    else:
        state.say(f"{'moved' if verb == 'move' else 'copied'} {source} to {shown}")


def _many_or_one(
    state: CliState,
    verb: BatchVerb,
    objects: tuple[str, ...],
    from_file: str | None,
    failures_path: Path,
) -> None:
    if not objects:
        raise WcsInputError("missing the destination: wcs://DSTBUCKET[/DSTKEY]")
    *sources, destination = objects
    if len(sources) == 1 and from_file is None:
        _move_or_copy(state, verb, sources[0], destination)
        return
    parse_target(destination)  # a bad destination fails before the sources are read
    run_batch_command(
        state,
        verb,
        read_targets(sources, from_file),
        destination=destination,
        failures_path=failures_path,
    )


_MANY_DESTINATION = """\
With several sources, or --from-file, DST is wcs://DSTBUCKET[/PREFIX/]: each object
keeps its key, after PREFIX. """


@click.command("mv", epilog=_MANY_DESTINATION + _BATCH)
@click.argument("objects", metavar="wcs://SRCBUCKET/SRCKEY... wcs://DSTBUCKET[/DSTKEY]", nargs=-1)
@batch_options
@pass_state
def mv_command(
    state: CliState, objects: tuple[str, ...], from_file: str | None, failures_path: Path
) -> None:
    """Move or rename objects (the key stays the same when DSTKEY is left out).

    \b
    Examples:
      $ wcs-ext mv wcs://photos/tmp/cat.jpg wcs://archive/2026/cat.jpg
      $ wcs-ext mv --from-file old.txt wcs://archive/2025/
    """
    _many_or_one(state, "move", objects, from_file, failures_path)


@click.command("cp", epilog=_MANY_DESTINATION + _BATCH)
@click.argument("objects", metavar="wcs://SRCBUCKET/SRCKEY... wcs://DSTBUCKET[/DSTKEY]", nargs=-1)
@batch_options
@pass_state
def cp_command(
    state: CliState, objects: tuple[str, ...], from_file: str | None, failures_path: Path
) -> None:
    """Copy objects (the key stays the same when DSTKEY is left out).

    \b
    Examples:
      $ wcs-ext cp wcs://photos/2026/cat.jpg wcs://backup
      $ wcs-ext cp wcs://photos/a.jpg wcs://photos/b.jpg wcs://backup/photos/
    """
    _many_or_one(state, "copy", objects, from_file, failures_path)


def parse_days(text: str) -> int:
    """Whole days; the original needed ``-1`` quoted as ``'"-1"'``, which still works."""
    cleaned = text.strip().strip("\"'")
    try:
        days = int(cleaned)
    except ValueError:
        raise WcsInputError(
            f"DAYS must be a whole number of days (0 = delete soon, -1 = keep), got {text!r}"
        ) from None
    if days < -1:
        raise WcsInputError(f"DAYS must be -1 or more, got {days}")
    return days


@click.command("setdeadline", context_settings={"ignore_unknown_options": True})
@click.argument("target", metavar="wcs://BUCKET/KEY")
@click.argument("days", metavar="DAYS")
@pass_state
def setdeadline_command(state: CliState, target: str, days: str) -> None:
    """Make an object expire after DAYS days: 0 deletes it soon, -1 keeps it forever.

    -1 may be written plainly (the original needed '"-1"', which is accepted too).

    \b
    Examples:
      $ wcs-ext setdeadline wcs://logs/2026/app.log 30
      $ wcs-ext setdeadline wcs://logs/keep.log -1
    """
    bucket, key = parse_object(target)
    value = parse_days(days)
    result = state.client().set_deadline(bucket, key, value)
    if state.json_output:
        emit_json({"target": target, "days": value, "request_id": result.request_id})
    else:
        meaning = {0: "deleted soon", -1: "kept forever"}.get(value, f"expires in {value} days")
        state.say(f"{target}: {meaning}")


COMMANDS = (stat_command, del_command, mv_command, cp_command, setdeadline_command)
