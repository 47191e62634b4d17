"""``wslive``: the recordings of a live channel (the SDK's ``wslive_list``).

The original wcscmd has no command for it (only its SDK's ``Client.wslive_list``); this
one sends the same ``/wslive/list`` request. WCS does not document the recordings'
fields: the table shows the usual ones when they are there, ``--json`` every field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

import click

from ._context import CliState, as_json, emit_json, pass_state
from ._output import human_size, print_table
from ._urls import parse_bucket

__all__ = ["COMMANDS"]

_WIRE_TIME: Final = "%Y%m%d%H%M%S"


def _wire_time(text: str, name: str) -> dt.datetime:
    """A ``YYYYMMDDhhmmss`` argument (what the request carries), checked."""
    try:
        if len(text) != 14 or not text.isdigit():
            raise ValueError
        return dt.datetime.strptime(text, _WIRE_TIME)
    except ValueError:
        raise click.BadParameter(
            f"expected a time YYYYMMDDhhmmss (e.g. 20260101000000), got {text!r}",
            param_hint=name,
        ) from None


def _when(value: object) -> str:
    """A recording's time for people: ``YYYY-MM-DD hh:mm:ss`` when it is wire-shaped."""
    if isinstance(value, str) and len(value) == 14 and value.isdigit():
        try:
            return dt.datetime.strptime(value, _WIRE_TIME).strftime("%Y-%m-%d %H:%M:%S")
        except ValueError:
            pass
    return "-" if value is None else str(value)


def _row(item: Mapping[str, Any]) -> tuple[str, str, str, str]:
    size = item.get("fsize")
    name = next((item[k] for k in ("key", "url", "filename") if item.get(k)), "-")
    return (
        _when(item.get("startTime")),
        _when(item.get("endTime")),
        human_size(size) if isinstance(size, int) else "-",
        str(name),
    )


@click.command("wslive")
@click.argument("bucket_url", metavar="wcs://BUCKET")
@click.argument("channel")
@click.argument("start_time", metavar="START")
@click.argument("end_time", metavar="END")
@click.option(
    "--start",
    "first",
    type=click.IntRange(min=1),
    help="Number (1-based) of the first recording to show. [default: 1]",
)
@click.option("--count", type=click.IntRange(min=1), help="Show at most this many. [default: all]")
@pass_state
def wslive_command(
    state: CliState,
    bucket_url: str,
    channel: str,
    start_time: str,
    end_time: str,
    first: int | None,
    count: int | None,
) -> None:
    """List the recordings of live channel CHANNEL kept in BUCKET between START and
    END (times YYYYMMDDhhmmss, as the live service records them).

    \b
    Examples:
      $ wcs-ext wslive wcs://live channel1 20260101000000 20260102000000
      $ wcs-ext wslive wcs://live channel1 20260101000000 20260102000000 --start 11 --count 10
    """
    bucket = parse_bucket(bucket_url)
    if not channel:
        raise click.BadParameter("the channel name is empty", param_hint="CHANNEL")
    if _wire_time(end_time, "END") < _wire_time(start_time, "START"):
        raise click.BadParameter(f"{end_time} is before START {start_time}", param_hint="END")
    recordings = state.client().wslive_list(
        channel, start_time, end_time, bucket, start=first, limit=count
    )
    if state.json_output:
        emit_json(as_json(recordings))
        return
    rows = [_row(item) for item in recordings.items]
    if rows:
        print_table(("START", "END", "SIZE", "FILE"), rows)
    total = "?" if recordings.total is None else recordings.total
    state.say(f"{len(rows)} recordings shown, {total} in the window")


COMMANDS = (wslive_command,)
