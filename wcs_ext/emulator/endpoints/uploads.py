"""The upload host: ``/file/upload`` and ``/mkblk`` -> ``/bput`` -> ``/mkfile``.

Key of the stored object, in order: the token's scope ``bucket:key``; else the form
field ``key`` (or mkfile's ``/key/<b64>`` segment, or a ``Key: <b64>`` header); else
the policy's ``saveKey`` (simple upload only). A scope key and a different explicit key
is a 401: the token does not allow that key. ``fsizeLimit`` exceeded is a 401, as the
docs say. The file part's own name and type never decide the key or the MIME type.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from collections.abc import Mapping
from typing import Any, Final

import attrs
import httpx
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ...protocol.encoding import urlsafe_b64encode
from ...protocol.signing import PutPolicy, sign
from ..runtime import Runtime, read_body, runtime_of, stream_body
from ..state.blob_files import BlobWriter
from ..state.job_queue import Item, JobRecord
from ..state.object_store import ObjectRecord
from ..wire import (
    EmulatorError,
    bad_request,
    check_key,
    decode_b64_text,
    unauthorized,
)
from .multipart_form import FormReceiver, boundary_of
from .token_checks import VerifiedUpload
from .upload_templates import UploadFacts, render_return_body, render_save_key, render_template

__all__ = ["form_upload", "make_block", "make_file", "put_chunk"]

_DAY_MS: Final = 86_400_000
_CALLBACK_TIMEOUT: Final = 10.0


def _key_for(policy: PutPolicy, explicit: str | None, facts: UploadFacts | None) -> str:
    if policy.key is not None:
        if explicit is not None and explicit != policy.key:
            raise unauthorized(f"key {explicit!r} is outside the token's scope")
        return check_key(policy.key)
    if explicit:
        return check_key(explicit)
    if facts is not None and policy.save_key:
        return check_key(render_save_key(policy.save_key, facts))
    raise bad_request("no key: the token's scope names only a bucket and no key was given")


def _check_size(policy: PutPolicy, size: int) -> None:
    if policy.fsize_limit and size > policy.fsize_limit:
        raise unauthorized(f"file size {size} exceeds the policy's fsizeLimit {policy.fsize_limit}")


def _mime(key: str, given: str | None) -> str:
    return given or mimetypes.guess_type(key)[0] or "application/octet-stream"


def _expiry(rt: Runtime, days: str | None) -> int | None:
    if not days:
        return None
    try:
        count = int(days)
    except ValueError:
        raise bad_request(f"deadline must be a whole number of days, got {days!r}") from None
    return None if count < 0 else rt.clock() + count * _DAY_MS


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
        with httpx.Client(timeout=_CALLBACK_TIMEOUT) as http:
            answer = http.post(url, content=body.encode(), headers=headers)
        result = answer.json() if answer.status_code == 200 else None
    except (httpx.HTTPError, ValueError) as exc:
        raise EmulatorError(579, f"callback to {url} failed: {exc}") from None
    if not isinstance(result, dict):
        raise EmulatorError(579, f"callback to {url} did not answer 200 with a JSON object")
    return result


def _answer(
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
        job = rt.jobs.create(
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
        rt.runner.submit(job.id)
        body["persistentId"] = job.id
    if policy.callback_url:
        body = _callback(rt, verified, facts)
    if redirect and policy.return_url:
        separator = "&" if "?" in policy.return_url else "?"
        location = f"{policy.return_url}{separator}upload_ret={urlsafe_b64encode(json.dumps(body))}"
        return Response(status_code=303, headers={"Location": location})
    return JSONResponse(body)


# -- simple (form) upload ---------------------------------------------------------------


async def form_upload(request: Request) -> Response:
    rt = runtime_of(request)
    checked: list[VerifiedUpload] = []

    def on_field(name: str, value: str) -> None:
        if name == "token" and not checked:
            checked.append(rt.verifier.upload(value))

    form = FormReceiver(boundary_of(request.headers.get("content-type")), rt.blobs, on_field)
    try:
        await stream_body(request, form.feed)
        form.finish()
        if not checked:
            checked.append(rt.verifier.upload(request.headers.get("authorization")))
        return await run_in_threadpool(_store_form, rt, checked[0], form)
    finally:
        await run_in_threadpool(form.discard)


def _store_form(rt: Runtime, verified: VerifiedUpload, form: FormReceiver) -> Response:
    policy = verified.policy
    rt.objects.require_bucket(policy.bucket)
    writer = form.file
    assert writer is not None  # finish() checked it
    facts = UploadFacts(
        bucket=policy.bucket,
        hash=writer.etag.etag(),
        size=writer.size,
        put_ms=rt.clock(),
        fname=form.filename,
        user_vars={k[2:]: v for k, v in form.fields.items() if k.startswith("x:")},
    )
    key = _key_for(policy, form.fields.get("key"), facts)
    _check_size(policy, writer.size)
    record = rt.objects.store(
        policy.bucket,
        key,
        writer,
        mime=_mime(key, form.fields.get("mimeType")),
        overwrite=policy.overwrite == 1,
        expires_ms=_expiry(rt, form.fields.get("deadline")),
    )
    return _answer(rt, verified, record, facts, redirect=True)


# -- blocks -----------------------------------------------------------------------------


async def make_block(request: Request) -> Response:
    rt = runtime_of(request)
    policy = rt.verifier.upload(request.headers.get("authorization")).policy
    size, index = request.path_params["size"], request.path_params["index"]
    if size <= 0:
        raise bad_request("block size must be positive")
    await run_in_threadpool(rt.objects.require_bucket, policy.bucket)
    writer = await run_in_threadpool(
        rt.blocks.create,
        bucket=policy.bucket,
        scope=policy.scope,
        index=index,
        size=size,
        batch=request.headers.get("uploadbatch", ""),
    )
    try:
        await stream_body(request, writer.write)
        ack = await run_in_threadpool(writer.commit)
    except Exception:
        await run_in_threadpool(writer.abort)
        await run_in_threadpool(rt.blocks.discard, [writer.block_id])
        raise
    return JSONResponse(ack.to_json())


async def put_chunk(request: Request) -> Response:
    rt = runtime_of(request)
    policy = rt.verifier.upload(request.headers.get("authorization")).policy
    ctx = rt.blocks.codec.decode(request.path_params["ctx"])
    offset = request.path_params["offset"]
    if offset != ctx.offset:
        raise bad_request(f"bput offset {offset} is not the ctx's offset {ctx.offset}")
    async with rt.block_locks(ctx.block_id):
        writer = await run_in_threadpool(rt.blocks.resume, ctx, policy.scope)
        try:
            await stream_body(request, writer.write)
            ack = await run_in_threadpool(writer.commit)
        except Exception:
            await run_in_threadpool(writer.abort)
            raise
    return JSONResponse(ack.to_json())


def _path_pairs(rest: str) -> dict[str, str]:
    """mkfile's optional ``/name/<b64 value>`` segments (``key``, ``mimeType``, ``x:var``)."""
    parts = [p for p in rest.split("/") if p]
    if len(parts) % 2:
        raise bad_request(f"mkfile path segments must come in name/value pairs: {rest!r}")
    return {
        name: decode_b64_text(value, f"mkfile {name}")
        for name, value in zip(parts[::2], parts[1::2], strict=True)
    }


async def make_file(request: Request) -> Response:
    rt = runtime_of(request)
    verified = rt.verifier.upload(request.headers.get("authorization"))
    extras = _path_pairs(request.path_params["rest"])
    header_key = request.headers.get("key")
    if header_key and "key" not in extras:
        extras["key"] = decode_b64_text(header_key, "Key header")
    body = await read_body(request)
    response, finished = await run_in_threadpool(
        _finish_blocks, rt, verified, request.path_params["size"], extras, body
    )
    rt.block_locks.drop(finished)
    return response


def _finish_blocks(
    rt: Runtime, verified: VerifiedUpload, size: int, extras: Mapping[str, str], body: bytes
) -> tuple[Response, list[str]]:
    policy = verified.policy
    rt.objects.require_bucket(policy.bucket)
    key = _key_for(policy, extras.get("key"), None)
    try:
        ctx_list = body.decode("ascii").strip()
    except UnicodeDecodeError:
        raise bad_request("the mkfile body must be the blocks' ctxs, comma-separated") from None
    if not ctx_list:
        raise bad_request("the mkfile body must be the blocks' ctxs, comma-separated")
    # A repeated mkfile (its answer was lost) gets the first answer while the object
    # still holds what it stored, even though its blocks are gone.
    digest = hashlib.sha256(f"{policy.scope}\n{key}\n{size}\n{ctx_list}".encode()).hexdigest()
    memo = rt.blocks.recall(digest)
    if memo is not None:
        current = rt.objects.get(memo[0], memo[1])
        if current is not None and current.hash == memo[2]:
            return JSONResponse(json.loads(memo[3])), []
    ctxs = [rt.blocks.codec.decode(text.strip()) for text in ctx_list.split(",")]
    _check_size(policy, size)
    writer: BlobWriter = rt.blobs.writer()
    try:
        block_ids = rt.blocks.assemble(ctxs, policy.scope, size, writer)
        record = rt.objects.store(
            policy.bucket,
            key,
            writer,
            mime=_mime(key, extras.get("mimeType")),
            overwrite=policy.overwrite == 1,
        )
    finally:
        writer.discard()
    rt.blocks.discard(block_ids)
    facts = UploadFacts(
        bucket=policy.bucket,
        hash=record.hash,
        size=record.size,
        put_ms=record.put_ms,
        user_vars={k[2:]: v for k, v in extras.items() if k.startswith("x:")},
    )
    response = _answer(rt, verified, record, facts, redirect=False)
    answer = bytes(response.body).decode()
    rt.blocks.remember(digest, record.bucket, record.key, record.hash, answer)
    return response, block_ids
