"""``listbucket``, ``list``, ``listall``, ``bucketstat``: what is stored."""

from __future__ import annotations

import datetime as dt
import signal
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click

from .._atomic_file import atomic_file
from ..errors import WcsError
from ..models import ObjectInfo, ObjectPage
from ._context import (
    CliState,
    Interrupted,
    StoppedPartWay,
    as_json,
    emit_json,
    json_text,
    pass_state,
)
from ._output import echo, human_size, local_time, print_table
from ._urls import parse_bucket

__all__ = ["COMMANDS"]

_LIST_OPTIONS = """\
Settings from the config file apply, and can be given as options before or after
the command: --limit N (1..1000, page size), --prefix P, --mode 0|1 (0: files of a
folder first, 1: folders first; both show subfolders as DIR), --marker M (continue)."""


def _wcs_time(moment: dt.datetime | None) -> str:
    """A time as WCS writes it: ``YYYY-MM-DD hh:mm:ss`` in UTC, "" for none."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def _wcs_item(item: ObjectInfo) -> dict[str, Any]:
    """An object as WCS lists it (the field names of the server's answer)."""
    return {
        "key": item.key,
        "putTime": item.put_time_ms,
        "hash": item.hash,
        "fsize": item.size,
        "mimeType": item.mime_type,
        "expirationDate": _wcs_time(item.expiration_date),
        "storageClass": item.storage_class,
    }


def _wcs_page(page: ObjectPage) -> dict[str, Any]:
    return {
        "marker": page.marker,
        "commonPrefixes": list(page.common_prefixes),
        "items": [_wcs_item(item) for item in page.items],
    }


def _echo_objects(state: CliState, page: ObjectPage) -> None:
    if state.json_output:
        for item in page.items:
            emit_json(as_json(item))
        for prefix in page.common_prefixes:
            emit_json({"prefix": prefix})
        return
    for prefix in page.common_prefixes:
        echo(f"{'DIR':>10}  {'':19}  {prefix}")
    for item in page.items:
        echo(f"{human_size(item.size):>10}  {local_time(item.put_time_ms):19}  {item.key}")


def _page_kwargs(state: CliState) -> dict[str, Any]:
    config = state.config()
    return {"prefix": config.prefix or None, "limit": config.limit, "mode": config.mode}


@click.command("listbucket")
@pass_state
def listbucket_command(state: CliState) -> None:
    """List your buckets.

    \b
    Example:
      $ wcs-ext listbucket
    """
    buckets = state.client().list_buckets()
    if state.json_output:
        for bucket in buckets:
            emit_json(as_json(bucket))
    else:
        print_table(("NAME", "CREATED"), [(b.name, local_time(b.created)) for b in buckets])


@click.command("list", epilog=_LIST_OPTIONS)
@click.argument("bucket_url", metavar="wcs://BUCKET")
@click.argument("resfile", required=False, type=click.Path(dir_okay=False, path_type=Path))
@pass_state
def list_command(state: CliState, bucket_url: str, resfile: Path | None) -> None:
    """List one page of objects; RESFILE gets the page as JSON (the original wrote a
    Python repr there). A following page is shown as the --marker to pass next
    (with --json: a last line {"marker": ...}).

    \b
    Examples:
      $ wcs-ext list wcs://photos --prefix 2026/ --limit 100
      $ wcs-ext list wcs://photos page.json --marker MjAyNi9jYXQuanBn
    """
    bucket = parse_bucket(bucket_url)
    page = state.client().list_objects(
        bucket, marker=state.config().marker or None, **_page_kwargs(state)
    )
    if resfile is not None:
        with atomic_file(resfile) as out:
            out.write(_page_line(page))
        state.say(f"saved {len(page.items)} objects to {resfile}")
        if page.has_more:
            state.say(f"more: --marker {page.marker}")
        return
    _echo_objects(state, page)
    sys.stdout.flush()
    if page.has_more:
        if state.json_output:
            emit_json({"marker": page.marker})  # last line: where the next page starts
        else:
            echo(f"(more: --marker {page.marker})", err=True)


@click.command("listall", epilog=_LIST_OPTIONS)
@click.argument("bucket_url", metavar="wcs://BUCKET")
@click.argument("resfile", required=False, type=click.Path(dir_okay=False, path_type=Path))
@pass_state
def listall_command(state: CliState, bucket_url: str, resfile: Path | None) -> None:
    """List every object, page after page, each shown as it arrives (--json: one
    object per line); RESFILE gets one JSON document per page per line (the original
    wrote Python reprs there). Stopped part-way (Ctrl-C, an error), it says the
    --marker that continues it, on stderr (--json: also as the "marker" of the last
    line, the error's document).

    \b
    Examples:
      $ wcs-ext listall wcs://photos
      $ wcs-ext --json listall wcs://photos | jq -r .key
    """
    bucket = parse_bucket(bucket_url)
    start = state.config().marker or ""
    pages = state.client().iter_pages(bucket, marker=start or None, **_page_kwargs(state))
    if resfile is None:
        _stream_pages(state, pages, start)
        return
    # All pages or none: a failure on page 7 keeps the old file, not half a new one.
    with atomic_file(resfile) as out:
        count = _save_pages(pages, out)
    state.say(f"saved {count} objects to {resfile}")


def _stream_pages(state: CliState, pages: Iterable[ObjectPage], start: str) -> None:
    """Each page shown as it arrives; stopped part-way, where to continue from."""
    marker, shown = start, 0  # the marker of the first page not shown (whole) yet
    try:
        for page in pages:
            # Ctrl-C waits while a page is written and counted: stopped part-way, the
            # marker is that of the last page shown whole, never one shown half or
            # shown but not counted (an unbuffered stdout shows each line at once).
            with _ctrl_c_held():
                _echo_objects(state, page)
                marker, shown = page.marker, shown + 1
            sys.stdout.flush()  # a reader (jq, a script) sees the page now
    except KeyboardInterrupt:
        if not shown:
            raise
        message = f"interrupted: continue with --marker {marker}"
        raise Interrupted(message, resume={"marker": marker}) from None
    except WcsError as exc:
        if not shown:
            raise
        echo(f"listing stopped part-way: continue with --marker {marker}", err=True)
        raise StoppedPartWay(exc, resume={"marker": marker}) from exc


@contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """A Ctrl-C while inside is raised at its end (the main thread only: elsewhere no
    signal arrives)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[object] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        # None: a handler not set from Python; Python's own is what it stood for.
        signal.signal(signal.SIGINT, signal.default_int_handler if previous is None else previous)
    if caught:
        raise KeyboardInterrupt


def _page_line(page: ObjectPage) -> bytes:
    return (json_text(_wcs_page(page)) + "\n").encode("utf-8")


def _save_pages(pages: Iterable[ObjectPage], out: IO[bytes]) -> int:
    count = 0
    for page in pages:
        out.write(_page_line(page))
        count += len(page.items)
    return count


def _date(value: str | None, default: dt.date, option: str) -> dt.date:
    if value is None:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected YYYY-MM-DD, got {value!r}", param_hint=option) from None


@click.command("bucketstat")
@click.argument("buckets", metavar='"BUCKET1|BUCKET2|..."')
@click.option("--startdate", metavar="YYYY-MM-DD", help="First day. [default: yesterday]")
@click.option("--enddate", metavar="YYYY-MM-DD", help="Last day. [default: today]")
@click.option(
    "--islistdetails",
    type=click.Choice(["true", "false"]),
    default="false",
    show_default=True,
    help="Daily details per bucket.",
)
@click.option(
    "--storagetype", metavar="TYPE", help="Standard, InfrequentAccess or Archive (or 0/1/2)."
)
@pass_state
def bucketstat_command(
    state: CliState,
    buckets: str,
    startdate: str | None,
    enddate: str | None,
    islistdetails: str,
    storagetype: str | None,
) -> None:
    """Storage used per day by one or more buckets (names separated by |), in MB.

    \b
    Example:
      $ wcs-ext bucketstat "photos|logs" --startdate 2026-11-01 --enddate 2026-11-24
    """
    names = [name for name in buckets.split("|") if name]
    if not names:
        raise click.BadParameter("give at least one bucket name", param_hint="BUCKETS")
    today = dt.date.today()
    usage = state.client().bucket_usage(
        names,
        _date(startdate, today - dt.timedelta(days=1), "--startdate"),
        _date(enddate, today, "--enddate"),
        list_details=islistdetails == "true",
        storage_type=storagetype,
    )
    if state.json_output:
        for bucket in usage:
            emit_json(as_json(bucket))
        return
    rows = [
        (b.name, day.date.isoformat(), f"{day.storage_mb:.3f}") for b in usage for day in b.days
    ]
    print_table(("BUCKET", "DATE", "STORAGE (MB)"), rows)


COMMANDS = (listbucket_command, list_command, listall_command, bucketstat_command)
