# Generated from wcs_ext/_async/resources/objects.py by `make generate` (unasync): do not edit.
# Change the async source and regenerate; `make test` fails when this file drifts.
"""Objects: stat, delete, move, copy and expiry, with their requests and answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import httpx

from wcs_client import models as generated
from wcs_client.api import manage

from ..._operation import Operation, target_url
from ..._responses import answer_reader, opt, protocol_error, request_id_of
from ..._wire_values import wire_datetime
from ...errors import WcsInputError
from ...models import ObjectInfo, OperationResult
from ...protocol.encoding import entry, urlsafe_b64encode
from ..client_core import SyncClientCore

__all__ = ["SyncObjects", "acknowledged", "object_info"]


def acknowledged(
    what: str, parse: Callable[[httpx.Response], object]
) -> Callable[[httpx.Response], OperationResult]:
    """Reads the ``{code, message}`` answer of a management call that returns nothing."""

    def convert(ack: generated.CodeMessage, response: httpx.Response) -> OperationResult:
        return OperationResult(message=opt(ack.message) or "OK", request_id=request_id_of(response))

    return answer_reader(what, parse, generated.CodeMessage, convert)


def object_info(
    key: str,
    raw: generated.ObjectStat | generated.ObjectItem,
    response: httpx.Response,
    what: str,
    *,
    request_id: str | None = None,
) -> ObjectInfo:
    """An object's facts from a stat answer or a listing entry of ``response``; an
    answer without the object's size (``fsize``) breaks the protocol."""
    size = opt(raw.fsize)
    if size is None:
        raise protocol_error(response, what, f"no fsize for the key {key!r}")
    expires = opt(raw.expiration_date)
    return ObjectInfo(
        key=key,
        size=size,
        hash=opt(raw.hash_),
        mime_type=opt(raw.mime_type),
        put_time_ms=opt(raw.put_time),
        expiration_date=wire_datetime(expires, response, what, "expirationDate"),
        storage_class=opt(raw.storage_class),
        request_id=request_id,
    )


def stat_operation(bucket: str, key: str) -> Operation[ObjectInfo]:
    what = f"stat {target_url(bucket, key)}"
    return Operation(
        what=what,
        host="mgr",
        request=manage.stat_object.build_request(entry=entry(bucket, key)),
        parse=answer_reader(
            what,
            manage.stat_object.parse_response,
            generated.ObjectStat,
            lambda raw, response: object_info(
                opt(raw.name) or key, raw, response, what, request_id=request_id_of(response)
            ),
        ),
    )


def delete_operation(bucket: str, key: str) -> Operation[OperationResult]:
    what = f"delete {target_url(bucket, key)}"
    return Operation(
        what=what,
        host="mgr",
        request=manage.delete_object.build_request(entry=entry(bucket, key)),
        parse=acknowledged(what, manage.delete_object.parse_response),
        idempotent=False,
    )


def move_or_copy_operation(
    verb: Literal["move", "copy"],
    src_bucket: str,
    src_key: str,
    dst_bucket: str,
    dst_key: str | None = None,
) -> Operation[OperationResult]:
    dst_key = dst_key if dst_key else src_key
    what = f"{verb} {target_url(src_bucket, src_key)} to {target_url(dst_bucket, dst_key)}"
    endpoint = manage.move_object if verb == "move" else manage.copy_object
    return Operation(
        what=what,
        host="mgr",
        request=endpoint.build_request(
            source=entry(src_bucket, src_key), destination=entry(dst_bucket, dst_key)
        ),
        parse=acknowledged(what, endpoint.parse_response),
        idempotent=verb == "copy",
    )


def set_deadline_operation(bucket: str, key: str, days: int) -> Operation[OperationResult]:
    if isinstance(days, bool) or not isinstance(days, int) or days < -1:
        raise WcsInputError(
            f"deadline must be a whole number of days, 0 (delete soon) or -1 (keep), got {days!r}"
        )
    what = f"set deadline of {target_url(bucket, key)}"
    form = generated.SetDeadlineForm(
        bucket=urlsafe_b64encode(bucket), key=urlsafe_b64encode(key), deadline=days
    )
    return Operation(
        what=what,
        host="mgr",
        request=manage.set_deadline.build_request(body=form),
        parse=acknowledged(what, manage.set_deadline.parse_response),
    )


class SyncObjects(SyncClientCore):
    """The object methods of the client."""

    def stat(self, bucket: str, key: str) -> ObjectInfo:
        """Size, hash, MIME type, upload time of one object; ``WcsNotFoundError`` if absent."""
        return self._run(stat_operation(bucket, key))

    def delete(self, bucket: str, key: str) -> OperationResult:
        """Delete one object (not retried after an ambiguous failure: it may have happened)."""
        return self._run(delete_operation(bucket, key))

    def move(
        self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str | None = None
    ) -> OperationResult:
        """Rename or move an object (``dst_key`` defaults to ``src_key``)."""
        return self._run(move_or_copy_operation("move", src_bucket, src_key, dst_bucket, dst_key))

    def copy(
        self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str | None = None
    ) -> OperationResult:
        """Copy an object (``dst_key`` defaults to ``src_key``)."""
        return self._run(move_or_copy_operation("copy", src_bucket, src_key, dst_bucket, dst_key))

    def set_deadline(self, bucket: str, key: str, days: int) -> OperationResult:
        """Expire an object after ``days`` days; 0 deletes it soon, -1 keeps it forever."""
        return self._run(set_deadline_operation(bucket, key, days))
