"""The upload host's routes: ``/file/upload`` and ``/mkblk`` -> ``/bput`` -> ``/mkfile``.

Each reads the request (the form streamed into a blob, blocks and chunks streamed into
their block file), then leaves the key, size limit and answer to ``upload_policy``.
The file part's own name and type never decide the key or the MIME type.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import bad_request
from ..runtime import Runtime, runtime_of
from ..state.ctx_tokens import Ctx
from ..state.object_keys import stored_mime_type
from ..state.object_store import ObjectRecord
from .multipart_form import FormReceiver, boundary_of
from .request_parsing import (
    MAX_BLOCK_INDEX,
    MAX_BYTES,
    decode_b64_text,
    parse_int,
    read_body,
    stream_body,
)
from .token_checks import VerifiedUpload
from .upload_policy import answer_upload, check_size, expiry, key_for
from .upload_templates import UploadFacts

__all__ = ["form_upload", "make_block", "make_file", "put_chunk", "routes"]

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
        hash=writer.hash,
        size=writer.size,
        put_ms=rt.clock(),
        fname=form.filename,
        user_vars={k[2:]: v for k, v in form.fields.items() if k.startswith("x:")},
    )
    key = key_for(policy, form.fields.get("key"), facts)
    check_size(policy, writer.size)
    record = rt.objects.store(
        policy.bucket,
        key,
        writer,
        mime=stored_mime_type(form.fields.get("mimeType")),
        overwrite=policy.overwrite == 1,
        expires_ms=expiry(rt, form.fields.get("deadline")),
    )
    return answer_upload(rt, verified, record, facts, redirect=True)


# -- blocks -----------------------------------------------------------------------------


async def make_block(request: Request) -> Response:
    rt = runtime_of(request)
    policy = rt.verifier.upload(request.headers.get("authorization")).policy
    size = parse_int(request.path_params["size"], "block size", low=1, high=MAX_BYTES)
    index = parse_int(request.path_params["index"], "block index", low=0, high=MAX_BLOCK_INDEX)
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
        try:
            await run_in_threadpool(writer.abort)
        finally:
            await run_in_threadpool(rt.blocks.discard, [writer.block_id])
        raise
    return JSONResponse(ack.to_json())


async def put_chunk(request: Request) -> Response:
    rt = runtime_of(request)
    policy = rt.verifier.upload(request.headers.get("authorization")).policy
    ctx = rt.blocks.codec.decode(request.path_params["ctx"])
    offset = parse_int(request.path_params["offset"], "bput offset", low=0, high=MAX_BYTES)
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
    size = parse_int(request.path_params["size"], "file size", low=0, high=MAX_BYTES)
    ctx_list = _ctx_list(await read_body(request))
    ctxs = [rt.blocks.codec.decode(text.strip()) for text in ctx_list.split(",")]
    # mkfiles of the same blocks (a retry sent while the first still runs) take turns,
    # as bputs do: a later one finds the first one's answer, not its blocks half gone.
    async with rt.block_locks.holding([ctx.block_id for ctx in ctxs]):
        response, finished = await run_in_threadpool(
            _finish_blocks, rt, verified, size, extras, ctx_list, ctxs
        )
    rt.block_locks.drop(finished)
    return response


def _ctx_list(body: bytes) -> str:
    try:
        ctx_list = body.decode("ascii").strip()
    except UnicodeDecodeError:
        ctx_list = ""
    if not ctx_list:
        raise bad_request("the mkfile body must be the blocks' ctxs, comma-separated")
    return ctx_list


def _finish_blocks(
    rt: Runtime,
    verified: VerifiedUpload,
    size: int,
    extras: Mapping[str, str],
    ctx_list: str,
    ctxs: list[Ctx],
) -> tuple[Response, list[str]]:
    policy = verified.policy
    rt.objects.require_bucket(policy.bucket)
    key = key_for(policy, extras.get("key"), None)
    # A repeated mkfile (its answer was lost) gets the first answer while the object
    # still holds what it stored, even though its blocks are gone.
    digest = hashlib.sha256(f"{policy.scope}\n{key}\n{size}\n{ctx_list}".encode()).hexdigest()
    memo = rt.blocks.recall(digest)
    if memo is not None:
        current = rt.objects.get(memo[0], memo[1])
        if current is not None and current.hash == memo[2]:
            if memo[3]:
                return JSONResponse(json.loads(memo[3])), []
            # Stored, but killed before its answer was kept: the blocks may be the
            # object now (their file renamed), so answer from the object instead.
            return _answer_stored(rt, verified, current, extras), []
    check_size(policy, size)
    blob, block_ids = rt.blocks.assemble(ctxs, policy.scope, size)
    # Promised before the object is stored (the answer comes after): killed in between,
    # a repeated mkfile still finds the object by its hash, though its blocks are gone.
    rt.blocks.remember(digest, policy.bucket, key, blob.hash, "")
    try:
        record = rt.objects.store(
            policy.bucket,
            key,
            blob,
            mime=stored_mime_type(extras.get("mimeType")),
            overwrite=policy.overwrite == 1,
        )
    except BaseException:
        rt.blocks.forget_answer(digest)  # not stored: a repeat must be refused alike
        raise
    finally:
        blob.discard()
    response = _answer_stored(rt, verified, record, extras)
    answer = bytes(response.body).decode()
    # The answer is remembered before the blocks go: killed in between, the emulator
    # still answers a repeated mkfile with it, instead of "unknown ctx" that makes the
    # client send it all.
    rt.blocks.remember(digest, record.bucket, record.key, record.hash, answer)
    rt.blocks.discard(block_ids)
    return response, block_ids


def _answer_stored(
    rt: Runtime, verified: VerifiedUpload, record: ObjectRecord, extras: Mapping[str, str]
) -> Response:
    facts = UploadFacts(
        bucket=record.bucket,
        hash=record.hash,
        size=record.size,
        put_ms=record.put_ms,
        user_vars={k[2:]: v for k, v in extras.items() if k.startswith("x:")},
    )
    return answer_upload(rt, verified, record, facts, redirect=False)


def routes() -> list[Route]:
    return [
        Route("/file/upload", form_upload, methods=["POST"]),
        # Numbers are read by the handlers, so a bad one is a 400 that says why.
        Route("/mkblk/{size}/{index}", make_block, methods=["POST"]),
        Route("/bput/{ctx}/{offset}", put_chunk, methods=["POST"]),
        Route("/mkfile/{size}{rest:path}", make_file, methods=["POST"]),
    ]
