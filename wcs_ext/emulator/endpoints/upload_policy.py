"""What a verified upload's put policy decides around storing the bytes.

Key of the stored object, in order: the token's scope ``bucket:key``; else the form
field ``key`` (or mkfile's ``/key/<b64>`` segment, or a ``Key: <b64>`` header); else
the policy's ``saveKey`` (simple upload only). A scope key and a different explicit key
is a 401: the token does not allow that key. ``fsizeLimit`` exceeded is a 401, as the
docs say. Once stored, the answer follows the policy: ``returnBody``,
``persistentOps`` (a fops job), ``callbackUrl``, ``returnUrl`` (a 303, form uploads).
"""

from __future__ import annotations

import json
from typing import Any, Final

import attrs
import httpx
from starlette.responses import JSONResponse, Response

from ...protocol.encoding import urlsafe_b64encode
from ...protocol.signing import PutPolicy, sign
from ..errors import EmulatorError, bad_request, unauthorized
from ..outgoing import checked_url, header_safe
from ..runtime import Runtime
from ..state.job_queue import Item, JobRecord
from ..state.object_keys import check_key
from ..state.object_store import ObjectRecord
from .request_parsing import parse_days
from .token_checks import VerifiedUpload
from .upload_templates import UploadFacts, render_return_body, render_save_key, render_template

__all__ = ["answer_upload", "check_size", "expiry", "key_for"]

_CALLBACK_TIMEOUT: Final = 10.0


def key_for(policy: PutPolicy, explicit: str | None, facts: UploadFacts | None) -> str:
    if policy.key is not None:
        if explicit is not None and explicit != policy.key:
            raise unauthorized(f"key {explicit!r} is outside the token's scope")
        return check_key(policy.key)
    if explicit:
        return check_key(explicit)
    if facts is not None and policy.save_key:
        return check_key(render_save_key(policy.save_key, facts))
    raise bad_request("no key: the token's scope names only a bucket and no key was given")


def check_size(policy: PutPolicy, size: int) -> None:
    if policy.fsize_limit and size > policy.fsize_limit:
        raise unauthorized(f"file size {size} exceeds the policy's fsizeLimit {policy.fsize_limit}")


def expiry(rt: Runtime, days: str | None) -> int | None:
    """The form field ``deadline`` (days, as ``/setdeadline``'s): absent or -1, never."""
    return parse_days(days, "deadline", rt.clock()) if days else None


def _callback(rt: Runtime, verified: VerifiedUpload, facts: UploadFacts) -> dict[str, Any]:
    """POST the rendered callbackBody; its JSON answer becomes the upload's answer."""
    policy = verified.policy
    url = policy.callback_url or ""
    body = render_template(policy.callback_body or "", facts)
    headers = {
        "Content-Type": "application/json"
        if body.lstrip().startswith("{")
        else "application/x-www-form-urlencoded"
    }
    secret_key = rt.verifier.secret_of(verified.access_key)
    if secret_key is not None:
        signature = sign(secret_key, f"{url}\n{body}".encode())
        headers["Authorization"] = f"{verified.access_key}:{signature}"
    try:
        target = checked_url(url)
    except EmulatorError as exc:
        raise EmulatorError(579, f"callback to {url[:200]!r} failed: {exc.message}") from None
    try:
        with httpx.Client(timeout=_CALLBACK_TIMEOUT) as http:
            answer = http.post(target, content=body.encode(), headers=headers)
        result = answer.json() if answer.status_code == 200 else None
    except (httpx.HTTPError, ValueError) as exc:
        raise EmulatorError(579, f"callback to {url} failed: {exc}") from None
    if not isinstance(result, dict):
        raise EmulatorError(579, f"callback to {url} did not answer 200 with a JSON object")
    return result


def answer_upload(
    rt: Runtime,
    verified: VerifiedUpload,
    record: ObjectRecord,
    facts: UploadFacts,
    *,
    redirect: bool,
) -> Response:
    """The answer to a stored upload: returnBody, persistentOps, callback, returnUrl."""
    policy = verified.policy
    facts = attrs.evolve(
        facts, key=record.key, hash=record.hash, size=record.size, mime_type=record.mime
    )
    rt.usage.count(record.bucket, "uploadRequest")
    rt.usage.count(record.bucket, "uploadTraffic", record.size)
    if policy.return_body:
        body = render_return_body(policy.return_body, facts)
    else:
        body = {"hash": record.hash, "key": record.key}
    if policy.persistent_ops:
        body["persistentId"] = rt.start_job(
            JobRecord(
                id="",
                kind="fops",
                op="fops",
                access_key=verified.access_key,
                notify_url=policy.persistent_notify_url or "",
                input_bucket=record.bucket,
                input_key=record.key,
                input_size=record.size,
                items=tuple(Item(cmd=c) for c in policy.persistent_ops.split(";") if c),
            )
        )
    if policy.callback_url:
        body = _callback(rt, verified, facts)
    if redirect and policy.return_url:
        separator = "&" if "?" in policy.return_url else "?"
        location = f"{policy.return_url}{separator}upload_ret={urlsafe_b64encode(json.dumps(body))}"
        return Response(status_code=303, headers={"Location": header_safe(location)})
    return JSONResponse(body)
