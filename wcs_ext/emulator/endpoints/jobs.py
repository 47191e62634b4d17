"""Job endpoints: ``/fmgr/<op>`` and ``/fops`` submissions, and their status polls.

A submission is checked (signature, syntax of every command, the fops input object)
and answered ``{"persistentId": ...}`` at once; the worker does the rest. Status polls
need no credentials, as in WCS; an unknown id is a 404.
"""

from __future__ import annotations

from typing import Final

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import EmulatorError, bad_request
from ..state.job_commands import FMGR_OPS, validate_fmgr_op
from ..state.job_queue import Item, JobKind, JobRecord, status_json
from ..state.object_keys import check_key
from .management_call import Call, Handler, managed
from .request_parsing import decode_b64_text

__all__ = ["fmgr_status", "fmgr_submitter", "fops_status", "fops_submit", "routes"]


def _flag(call: Call, name: str) -> int:
    value = call.form.get(name) or "0"
    if value not in ("0", "1"):
        raise bad_request(f"{name} must be 0 or 1, got {value!r}")
    return int(value)


def _notify_url(call: Call) -> str:
    encoded = call.form.get("notifyURL", "")
    return decode_b64_text(encoded, "notifyURL") if encoded else ""


def _submit(call: Call, job: JobRecord) -> Response:
    return JSONResponse({"persistentId": call.rt.start_job(job)})


def fmgr_submitter(op: str) -> Handler:
    def submit(call: Call) -> Response:
        commands = [c for c in call.param("fops", source="form").split(";") if c]
        for command in commands:
            validate_fmgr_op(op, command)
        job = JobRecord(
            id="",
            kind="fmgr",
            op=op,
            access_key=call.access_key,
            notify_url=_notify_url(call),
            items=tuple(Item(cmd=c) for c in commands),
            separate=_flag(call, "separate"),
            force=_flag(call, "force"),
        )
        return _submit(call, job)

    submit.__name__ = f"fmgr_{op}"
    return submit


def fops_submit(call: Call) -> Response:
    bucket = decode_b64_text(call.param("bucket", source="form"), "bucket")
    key = decode_b64_text(call.param("key", source="form"), "key")
    record = call.rt.objects.require(bucket, check_key(key))
    commands = decode_b64_text(call.param("fops", source="form"), "fops")
    job = JobRecord(
        id="",
        kind="fops",
        op="fops",
        access_key=call.access_key,
        notify_url=_notify_url(call),
        input_bucket=record.bucket,
        input_key=record.key,
        input_size=record.size,
        items=tuple(Item(cmd=c) for c in commands.split(";") if c),
        separate=_flag(call, "separate"),
        force=_flag(call, "force"),
    )
    if not job.items:
        raise bad_request("fops lists no command")
    return _submit(call, job)


def _status(call: Call, kind: JobKind) -> Response:
    job = call.rt.jobs.get(call.param("persistentId"))
    if job is None or job.kind != kind:
        raise EmulatorError(404, "no such persistentId")
    return JSONResponse(status_json(job))


def fmgr_status(call: Call) -> Response:
    return _status(call, "fmgr")


def fops_status(call: Call) -> Response:
    return _status(call, "fops")


_FMGR_SUBMITTERS: Final = tuple((f"/fmgr/{op}", fmgr_submitter(op)) for op in FMGR_OPS)


def routes() -> list[Route]:
    return [
        Route("/fops", managed(fops_submit), methods=["POST"]),
        Route("/fmgr/status", managed(fmgr_status, signed=False), methods=["GET"]),
        Route("/status/get/prefop", managed(fops_status, signed=False), methods=["GET"]),
        *(Route(path, managed(submit), methods=["POST"]) for path, submit in _FMGR_SUBMITTERS),
    ]
