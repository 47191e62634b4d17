"""Fake live recordings for ``/wslive/list``, seeded by the test author; no I/O.

WCS does not document the answer; the emulator's is ``{"code": "200", "message": "OK",
"total": N, "items": [...]}`` with each recording a JSON object of at least
``channelname``, ``bucket``, ``startTime`` and ``endTime`` (``YYYYMMDDhhmmss``, UTC).

Two ways to seed them (``wcs-ext emulator --live-recordings N|FILE``):

* a count ``N``: every channel of every bucket has ``N`` recordings that share the
  window asked for evenly, so any query finds ``N`` (each also has ``key``
  ``<channel>/<startTime>.mp4``, ``fsize`` and ``duration`` in seconds);
* a JSON file holding a list of recordings: a query finds those of its channel and
  bucket that lie within its window (start and end included); every field of a
  recording is answered as the file gives it.

Found recordings come in time order; ``start`` (1-based, default 1) and ``limit``
(default: all) choose a page of them, ``total`` counts them all.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

__all__ = ["TIME_FORMAT", "LiveRecording", "LiveRecordings", "parse_live_time"]

TIME_FORMAT: Final = "%Y%m%d%H%M%S"
_REQUIRED: Final = ("channelname", "bucket", "startTime", "endTime")
_BYTES_PER_SECOND: Final = 250_000
"""Size of a generated recording per second: a 2 Mbit/s stream."""


def parse_live_time(text: str) -> dt.datetime:
    """``YYYYMMDDhhmmss`` (UTC); a ``ValueError`` for anything else."""
    if len(text) != 14 or not text.isascii() or not text.isdigit():
        raise ValueError(f"{text!r} is not a time YYYYMMDDhhmmss")
    return dt.datetime.strptime(text, TIME_FORMAT).replace(tzinfo=dt.UTC)


def _format(moment: dt.datetime) -> str:
    return moment.strftime(TIME_FORMAT)


@attrs.frozen
class LiveRecording:
    """One recording of a seed file: where and when, and every field to answer."""

    channel: str
    bucket: str
    start: dt.datetime
    end: dt.datetime
    fields: Mapping[str, Any]

    @classmethod
    def from_json(cls, item: object, number: int) -> LiveRecording:
        where = f"recording {number}"
        if not isinstance(item, dict):
            raise ValueError(f"{where} is not a JSON object")
        for name in _REQUIRED:
            if not isinstance(item.get(name), str) or not item[name]:
                raise ValueError(f"{where} needs {name} as a non-empty string")
        try:
            start, end = parse_live_time(item["startTime"]), parse_live_time(item["endTime"])
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        if end < start:
            raise ValueError(f"{where} ends before it starts")
        return cls(item["channelname"], item["bucket"], start, end, MappingProxyType(item))


@attrs.frozen
class LiveRecordings:
    """What the emulator answers ``/wslive/list`` with: a count per channel, or a list."""

    count: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    recordings: tuple[LiveRecording, ...] = ()

    @classmethod
    def from_json_text(cls, text: str) -> LiveRecordings:
        """The recordings of a seed file; a ``ValueError`` says what is wrong with it."""
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not JSON: {exc}") from None
        if not isinstance(items, list):
            raise ValueError("expected a JSON list of recordings")
        recordings = [LiveRecording.from_json(item, n) for n, item in enumerate(items, 1)]
        return cls(recordings=tuple(sorted(recordings, key=lambda r: (r.start, r.end))))

    def find(
        self, channel: str, bucket: str, start: dt.datetime, end: dt.datetime
    ) -> list[Mapping[str, Any]]:
        """Every recording of ``channel`` in ``bucket`` within ``start``..``end``."""
        if self.count:
            return self._generated(channel, bucket, start, end)
        return [
            r.fields
            for r in self.recordings
            if (r.channel, r.bucket) == (channel, bucket) and start <= r.start and r.end <= end
        ]

    def _generated(
        self, channel: str, bucket: str, start: dt.datetime, end: dt.datetime
    ) -> list[Mapping[str, Any]]:
        seconds = int((end - start).total_seconds())
        items: list[Mapping[str, Any]] = []
        for n in range(self.count):
            begins = start + dt.timedelta(seconds=seconds * n // self.count)
            ends = start + dt.timedelta(seconds=seconds * (n + 1) // self.count)
            duration = int((ends - begins).total_seconds())
            items.append(
                {
                    "channelname": channel,
                    "bucket": bucket,
                    "startTime": _format(begins),
                    "endTime": _format(ends),
                    "key": f"{channel}/{_format(begins)}.mp4",
                    "fsize": duration * _BYTES_PER_SECOND,
                    "duration": duration,
                }
            )
        return items
