"""Resume records: what the server has acknowledged of a multipart upload, on disk.

One JSON file per upload (``<folder>/<upload_id>.json``), rewritten atomically (temp
file + rename) after every acknowledged chunk, so killing the process at any moment
leaves the last complete state. It is read with a JSON parser and checked field by
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

__all__ = ["BlockState", "ResumeRecord", "UploadIdentity", "derive_upload_id"]

log = logging.getLogger("wcs_ext.transfer")

RECORD_VERSION = 1
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


class ResumeRecord:
    """The acknowledged blocks of one upload; thread-safe; saved on every change."""

    def __init__(self, path: Path, upload_id: str, identity: UploadIdentity) -> None:
        self.path = path
        self.upload_id = upload_id
        self.identity = identity
        self._blocks: dict[int, BlockState] = {}
        self._lock = threading.Lock()

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
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable resume record %s: %s", self.path, exc)
            return
        try:
            if data.get("version") != RECORD_VERSION:
                raise ValueError("unknown version")
            if UploadIdentity(**data["identity"]) != self.identity:
                log.info("resume record %s is for another file: starting over", self.path)
                return
            blocks = {int(i): _block_from_json(b) for i, b in data["blocks"].items()}
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            log.warning("ignoring malformed resume record %s: %s", self.path, exc)
            return
        self._blocks = {i: b for i, b in blocks.items() if now - b.updated <= max_age}

    def blocks(self) -> dict[int, BlockState]:
        with self._lock:
            return dict(self._blocks)

    def acknowledge(self, index: int, state: BlockState) -> None:
        with self._lock:
            self._blocks[index] = state
            self._save()

    def forget(self, index: int) -> None:
        with self._lock:
            if self._blocks.pop(index, None) is not None:
                self._save()

    def delete(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _save(self) -> None:
        document = {
            "version": RECORD_VERSION,
            "upload_id": self.upload_id,
            "identity": attrs.asdict(self.identity),
            "blocks": {
                str(i): attrs.asdict(b, value_serializer=_jsonable)
                for i, b in sorted(self._blocks.items())
            },
        }
        tmp = self.path.with_name(f".{self.path.name}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle)
        # The rename is atomic: a killed process leaves the old record or the new one.
        os.replace(tmp, self.path)


def _jsonable(_inst: Any, _field: Any, value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
