"""Resume records: what the server has acknowledged of a multipart upload, on disk.

One file per upload (``<folder>/<upload_id>.json``) in JSON Lines: a header naming the
upload and the file it belongs to, then one line per acknowledged chunk, appended with
a single ``write`` the moment the server acknowledged it. Appending keeps each update
O(1) however large the upload (rewriting the whole record after every chunk would be
quadratic), and a process killed at any moment leaves every earlier line intact: a torn
last line is ignored on reading. The record is parsed as JSON and checked field by
field (the original ``eval``-ed records from a shared folder); it belongs to the file it
was made for (size, mtime, block size, bucket, key) and is ignored for any other; it is
deleted only after ``mkfile`` succeeded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

import attrs

from .._atomic_file import atomic_file

__all__ = ["BlockState", "ResumeRecord", "UploadIdentity", "derive_upload_id", "read_record"]

log = logging.getLogger("wcs_ext.transfer")

RECORD_VERSION = 2
CTX_MAX_AGE = 7 * 24 * 3600
"""Blocks acknowledged longer ago are sent again: servers purge un-merged blocks."""


@attrs.frozen(kw_only=True)
class UploadIdentity:
    """What makes a record belong to an upload: the target and the exact local file."""

    bucket: str
    key: str
    size: int
    mtime_ns: int
    block_size: int


def derive_upload_id(identity: UploadIdentity) -> str:
    """A stable id, so running the same upload again finds its record by itself."""
    text = json.dumps(attrs.asdict(identity), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@attrs.frozen(kw_only=True)
class BlockState:
    """The server's state of one block: its last ctx and how much of it it holds."""

    ctx: str
    acked: int
    size: int
    updated: float
    digests: tuple[str, ...] = ()
    """Hex SHA-1 of the block's 4 MiB etag pieces, once the block is complete."""

    @property
    def complete(self) -> bool:
        return self.acked == self.size and bool(self.digests)


def _block_from_json(data: Any) -> BlockState:
    if not isinstance(data, dict):
        raise ValueError("block entry is not an object")
    ctx, acked, size, updated = data["ctx"], data["acked"], data["size"], data["updated"]
    digests = data.get("digests", [])
    if not (isinstance(ctx, str) and ctx and isinstance(acked, int) and isinstance(size, int)):
        raise ValueError("bad block entry")
    if not isinstance(updated, int | float) or not 0 < acked <= size:
        raise ValueError("bad block entry")
    if not isinstance(digests, list) or not all(isinstance(d, str) for d in digests):
        raise ValueError("bad block digests")
    return BlockState(
        ctx=ctx, acked=acked, size=size, updated=float(updated), digests=tuple(digests)
    )


def _line(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, separators=(",", ":")) + "\n").encode("utf-8")


def read_record(path: str | os.PathLike[str]) -> tuple[UploadIdentity, dict[int, BlockState]]:
    """The identity and the latest state of each block in a record file.

    Raises ``ValueError`` when the file is not a record of this version; a torn last
    line (a process killed mid-write) is ignored.
    """
    lines = Path(path).read_bytes().split(b"\n")
    complete, last = lines[:-1], lines[-1]
    if last.strip():
        log.info("ignoring the torn last line of %s", path)
    if not complete:
        raise ValueError("empty record")
    header = json.loads(complete[0])
    if not isinstance(header, dict) or header.get("version") != RECORD_VERSION:
        raise ValueError("not a resume record of this version")
    identity = UploadIdentity(**header["identity"])
    blocks: dict[int, BlockState] = {}
    for raw in complete[1:]:
        entry = json.loads(raw)
        if not isinstance(entry, dict) or not isinstance(entry.get("block"), int):
            raise ValueError("bad record line")
        if entry.get("forget"):
            blocks.pop(entry["block"], None)
        else:
            blocks[entry["block"]] = _block_from_json(entry)
    return identity, blocks


class ResumeRecord:
    """The acknowledged chunks of one upload; thread-safe; every change is on disk."""

    def __init__(self, path: Path, upload_id: str, identity: UploadIdentity) -> None:
        self.path = path
        self.upload_id = upload_id
        self.identity = identity
        self._blocks: dict[int, BlockState] = {}
        self._lock = threading.Lock()
        self._fd: int | None = None

    @classmethod
    def open(
        cls,
        folder: str | os.PathLike[str],
        upload_id: str,
        identity: UploadIdentity,
        *,
        max_age: float = CTX_MAX_AGE,
        now: float | None = None,
    ) -> ResumeRecord:
        """The record of ``upload_id``: resumed when it matches ``identity``, else new."""
        if not upload_id or "/" in upload_id or upload_id.startswith("."):
            raise ValueError(f"bad upload id {upload_id!r}")
        directory = Path(folder)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        record = cls(directory / f"{upload_id}.json", upload_id, identity)
        record._load(max_age, time.time() if now is None else now)
        return record

    def _load(self, max_age: float, now: float) -> None:
        try:
            identity, blocks = read_record(self.path)
        except FileNotFoundError:
            return
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring unreadable resume record %s: %s", self.path, exc)
            return
        if identity != self.identity:
            log.info("resume record %s is for another file: starting over", self.path)
            return
        self._blocks = {i: b for i, b in blocks.items() if now - b.updated <= max_age}

    def blocks(self) -> dict[int, BlockState]:
        with self._lock:
            return dict(self._blocks)

    def acknowledge(self, index: int, state: BlockState) -> None:
        entry = {"block": index, **attrs.asdict(state, value_serializer=_jsonable)}
        with self._lock:
            self._append(_line(entry))
            self._blocks[index] = state

    def forget(self, index: int) -> None:
        with self._lock:
            if index in self._blocks:
                self._append(_line({"block": index, "forget": True}))
                del self._blocks[index]

    def _append(self, line: bytes) -> None:
        if self._fd is None:
            self._fd = self._start()  # the file starts with what is known so far
        os.write(self._fd, line)  # one write per line: all of it, or a torn tail

    def _start(self) -> int:
        """Write the header and what is already known to a fresh file (atomically, 0600),
        then keep it open for appending."""
        header = _line(
            {
                "version": RECORD_VERSION,
                "upload_id": self.upload_id,
                "identity": attrs.asdict(self.identity),
            }
        )
        lines = [header] + [
            _line({"block": i, **attrs.asdict(b, value_serializer=_jsonable)})
            for i, b in sorted(self._blocks.items())
        ]
        with atomic_file(self.path, mode=0o600) as handle:
            handle.write(b"".join(lines))
        return os.open(self.path, os.O_WRONLY | os.O_APPEND)

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def delete(self) -> None:
        self.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def _jsonable(_inst: Any, _field: Any, value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
