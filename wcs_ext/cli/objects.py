"""``stat``, ``del``, ``mv``, ``cp``, ``setdeadline``: one object at a time."""

from __future__ import annotations

import click

from ..errors import WcsInputError
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
        ("expires", info.expiration_date or "never"),
        ("storage class", info.storage_class or "-"),
    )
    for name, value in rows:
        echo(f"{name + ':':15} {value}")


@click.command("del")
@click.argument("target", metavar="wcs://BUCKET/KEY")
@pass_state
def del_command(state: CliState, target: str) -> None:
    """Delete an object (at once; for many keys see deletePrefix).

    \b
    Example:
      $ wcs-ext del wcs://photos/2026/cat.jpg
    """
    bucket, key = parse_object(target)
    result = state.client().delete(bucket, key)
    if state.json_output:
        emit_json({"deleted": target, "request_id": result.request_id})
    else:
        state.say(f"deleted {target}")


def _move_or_copy(state: CliState, verb: str, source: str, destination: str) -> None:
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


@click.command("mv")
@click.argument("source", metavar="wcs://SRCBUCKET/SRCKEY")
@click.argument("destination", metavar="wcs://DSTBUCKET[/DSTKEY]")
@pass_state
def mv_command(state: CliState, source: str, destination: str) -> None:
    """Move or rename an object (the key stays the same when DSTKEY is left out).

    \b
    Example:
      $ wcs-ext mv wcs://photos/tmp/cat.jpg wcs://archive/2026/cat.jpg
    """
    _move_or_copy(state, "move", source, destination)


@click.command("cp")
@click.argument("source", metavar="wcs://SRCBUCKET/SRCKEY")
@click.argument("destination", metavar="wcs://DSTBUCKET[/DSTKEY]")
@pass_state
def cp_command(state: CliState, source: str, destination: str) -> None:
    """Copy an object (the key stays the same when DSTKEY is left out).

    \b
    Example:
      $ wcs-ext cp wcs://photos/2026/cat.jpg wcs://backup
    """
    _move_or_copy(state, "copy", source, destination)


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
