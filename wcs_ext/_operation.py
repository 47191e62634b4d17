"""One WCS call described once for both client twins: :class:`Operation`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Literal, TypeVar

import attrs
import httpx

from wcs_client.types import RequestArgs

__all__ = ["Operation", "target_url"]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class Operation(Generic[T]):
    """One WCS call: the request (from the endpoint's typed ``build_request``; for the
    ``download`` host, a plain GET of an object's URL), which host takes it, and how its
    answer is read (``parse``, for 2xx/3xx answers).

    ``idempotent`` calls may be repeated after an ambiguous failure (a read timeout, a
    500); the others (delete, move, job submissions) only when the request provably did
    not take effect (connection refused, 408, 429, 503).
    """

    what: str
    host: Literal["put", "mgr", "download"]
    request: RequestArgs
    parse: Callable[[httpx.Response], T]
    idempotent: bool = True


def target_url(bucket: str, key: str | None = None) -> str:
    """How errors and messages name a bucket or an object: ``wcs://bucket[/key]``."""
    return f"wcs://{bucket}" if key is None else f"wcs://{bucket}/{key}"
