"""Build (and read) the operation strings of WCS's asynchronous ``/fmgr/*`` jobs.

An fmgr request body is ``fops=<op>[;<op>...]`` where each op is a ``/``-separated list
of ``name/value`` pairs whose values are padded URL-safe Base64 (a few are plain:
``md5``, ``decompression``, ``fetchTS``, ``deletets``). The original SDK left building
them to the caller; these helpers make a wrong op string impossible to type.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .encoding import entry, urlsafe_b64decode, urlsafe_b64encode

__all__ = [
    "compress_op",
    "copy_op",
    "delete_m3u8_op",
    "delete_op",
    "delete_prefix_op",
    "fetch_op",
    "join_ops",
    "move_op",
    "parse_op",
]

# Values of these names travel as plain text; every other value is Base64.
_PLAIN_VALUES = frozenset({"md5", "decompression", "fetchTS", "deletets"})


def _pairs(*items: tuple[str, str | None]) -> str:
    return "/".join(f"{name}/{value}" for name, value in items if value is not None)


def _b64(value: str | None) -> str | None:
    return None if value is None else urlsafe_b64encode(value)


def _flag(value: bool | None) -> str | None:
    return None if value is None else ("1" if value else "0")


def move_op(
    src_bucket: str,
    src_key: str,
    dst_bucket: str,
    dst_key: str | None = None,
    *,
    prefix: str | None = None,
) -> str:
    """Move ``src_bucket:src_key`` to ``dst_bucket`` (as ``dst_key``, else the same key)."""
    return _pairs(
        ("resource", entry(src_bucket, src_key)),
        ("bucket", urlsafe_b64encode(dst_bucket)),
        ("key", _b64(dst_key)),
        ("prefix", _b64(prefix)),
    )


copy_op = move_op
"""Copy has exactly the grammar of move."""


def fetch_op(
    url: str,
    bucket: str,
    key: str | None = None,
    *,
    prefix: str | None = None,
    md5: str | None = None,
    decompression: str | None = None,
    fetch_ts: bool | None = None,
) -> str:
    """Fetch ``url`` into ``bucket`` (as ``key``, else named after the URL)."""
    return _pairs(
        ("fetchURL", urlsafe_b64encode(url)),
        ("bucket", urlsafe_b64encode(bucket)),
        ("key", _b64(key)),
        ("prefix", _b64(prefix)),
        ("md5", md5),
        ("decompression", decompression),
        ("fetchTS", _flag(fetch_ts)),
    )


def delete_op(bucket: str, key: str) -> str:
    return _pairs(("bucket", urlsafe_b64encode(bucket)), ("key", urlsafe_b64encode(key)))


def delete_prefix_op(bucket: str, prefix: str, *, output: tuple[str, str] | None = None) -> str:
    """Delete every key under ``prefix``; ``output`` = (bucket, key) for the job's report."""
    return _pairs(
        ("bucket", urlsafe_b64encode(bucket)),
        ("prefix", urlsafe_b64encode(prefix)),
        ("output", None if output is None else entry(*output)),
    )


def delete_m3u8_op(bucket: str, key: str, *, delete_ts: bool | None = None) -> str:
    """Delete an HLS playlist and (by default, server side) the segments it names."""
    return _pairs(
        ("bucket", urlsafe_b64encode(bucket)),
        ("key", urlsafe_b64encode(key)),
        ("deletets", _flag(delete_ts)),
    )


def compress_op(
    bucket: str,
    keys: Sequence[str],
    save_as: tuple[str, str],
    *,
    key_list: str | None = None,
) -> str:
    """ZIP ``keys`` of ``bucket`` (and/or the keys listed in object ``key_list``)."""
    if not keys and key_list is None:
        raise ValueError("compress needs keys or a key_list object")
    return _pairs(
        ("bucket", urlsafe_b64encode(bucket)),
        ("keys", "|".join(urlsafe_b64encode(k) for k in keys) if keys else None),
        ("keyList", _b64(key_list)),
        ("saveas", entry(*save_as)),
    )


def join_ops(ops: Iterable[str]) -> str:
    """Several ops in one job, separated by ``;``."""
    joined = ";".join(ops)
    if not joined:
        raise ValueError("an fmgr job needs at least one operation")
    return joined


def parse_op(op: str) -> dict[str, str]:
    """Decode one op string into ``{name: value}``; Base64 values are decoded to text.

    ``keys`` (compress) stays as its ``|``-separated Base64 list for the caller to split.
    Raises ``ValueError`` on a malformed op.
    """
    parts = op.split("/")
    if len(parts) % 2:
        raise ValueError(f"malformed fmgr operation: {op!r}")
    out: dict[str, str] = {}
    for name, value in zip(parts[::2], parts[1::2], strict=True):
        if not name or name in out:
            raise ValueError(f"malformed fmgr operation: {op!r}")
        if name in _PLAIN_VALUES or name == "keys":
            out[name] = value
        else:
            out[name] = urlsafe_b64decode(value).decode("utf-8")
    return out
