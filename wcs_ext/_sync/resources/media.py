# Generated from wcs_ext/_async/resources/media.py by `make generate` (unasync): do not edit.
# Change the async source and regenerate; `make test` fails when this file drifts.
"""Media: audio/video processing jobs (``/fops``) and image content detection."""

from __future__ import annotations

import httpx

from wcs_client import models as generated
from wcs_client.api import manage

from ..._operation import Operation, target_url
from ..._responses import answer_reader, opt, request_id_of
from ...errors import WcsInputError
from ...models import ImageDetection, JobStatus
from ...protocol.encoding import urlsafe_b64encode
from ..client_core import SyncClientCore
from .jobs import Job, job_options, job_status, submitted

__all__ = ["FopsJobs", "SyncMedia"]


def fops_status_operation(persistent_id: str) -> Operation[JobStatus]:
    """The state of a processing job (no credentials needed: the endpoint is open)."""
    what = f"fops status of {persistent_id}"
    return Operation(
        what=what,
        host="mgr",
        request=manage.fops_status.build_request(persistent_id=persistent_id),
        parse=answer_reader(
            what, manage.fops_status.parse_response, generated.FopsStatus, job_status
        ),
    )


def image_detect_operation(image_url: str, kind: str, bucket: str) -> Operation[ImageDetection]:
    what = f"{kind} detection of {image_url}"

    def convert(result: generated.ImageDetectResult, response: httpx.Response) -> ImageDetection:
        return ImageDetection(
            results=tuple(opt(result.results) or ()),
            message=opt(result.message) or "",
            request_id=request_id_of(response),
        )

    form = generated.ImageDetectForm(image=urlsafe_b64encode(image_url), type_=kind, bucket=bucket)
    return Operation(
        what=what,
        host="mgr",
        request=manage.image_detect.build_request(body=form),
        parse=answer_reader(
            what, manage.image_detect.parse_response, generated.ImageDetectResult, convert
        ),
    )


class FopsJobs:
    """Audio/video processing jobs (``avthumb``, ``vframe``, ...) on stored objects."""

    def __init__(self, client: SyncClientCore) -> None:
        self._client = client

    def execute(
        self,
        bucket: str,
        key: str,
        fops: str,
        *,
        notify_url: str | None = None,
        force: bool | None = None,
        separate: bool | None = None,
    ) -> Job:
        """Run processing commands (``|``-piped, ``;``-joined) on ``bucket/key``; the job
        returned can ``wait()`` for their end."""
        if not fops:
            raise WcsInputError("fops needs at least one processing command")
        form = generated.FopsRequest(
            bucket=urlsafe_b64encode(bucket),
            key=urlsafe_b64encode(key),
            fops=urlsafe_b64encode(fops),
            **job_options(self._client.config, notify_url, separate, force),
        )
        what = f"fops on {target_url(bucket, key)}"
        op = Operation(
            what=what,
            host="mgr",
            request=manage.fops_execute.build_request(body=form),
            parse=submitted(what, manage.fops_execute.parse_response),
            idempotent=False,
        )
        job = self._client._run(op)
        return Job(persistent_id=job.persistent_id, request_id=job.request_id, statuses=self)

    def status(self, persistent_id: str) -> JobStatus:
        """The state of a submitted processing job."""
        return self._client._run(fops_status_operation(persistent_id))


class SyncMedia(SyncClientCore):
    """The media methods of the client."""

    def image_detect(self, image_url: str, kind: str, bucket: str) -> ImageDetection:
        """Content detection of an image (``kind`` e.g. ``"porn"``)."""
        return self._run(image_detect_operation(image_url, kind, bucket))
