# Generated from wcs_ext/_async/resources/media.py by `make generate` (unasync): do not edit.
# Change the async source and regenerate; `make test` fails when this file drifts.
"""Media: audio/video processing jobs (``/fops``) and image content detection."""

from __future__ import annotations

import httpx

from wcs_client.api.manage import fops_execute, fops_status, image_detect
from wcs_client.models import FopsRequest, FopsStatus, ImageDetectForm, ImageDetectResult

from ..._operation import Operation, target_url
from ..._responses import opt, parsed_or_raise, request_id_of
from ...config import WcsConfig
from ...errors import WcsInputError
from ...models import ImageDetection, Job, JobStatus
from ...protocol.encoding import urlsafe_b64encode
from ..client_core import SyncClientCore
from .jobs import job_options, job_status, submitted

__all__ = ["FopsJobs", "SyncMedia"]


def fops_operation(
    config: WcsConfig,
    bucket: str,
    key: str,
    fops: str,
    *,
    notify_url: str | None = None,
    force: bool | None = None,
    separate: bool | None = None,
) -> Operation[Job]:
    if not fops:
        raise WcsInputError("fops needs at least one processing command")
    form = FopsRequest(
        bucket=urlsafe_b64encode(bucket),
        key=urlsafe_b64encode(key),
        fops=urlsafe_b64encode(fops),
        **job_options(config, notify_url, separate, force),
    )
    what = f"fops on {target_url(bucket, key)}"
    return Operation(
        what=what,
        host="mgr",
        request=fops_execute.build_request(body=form),
        parse=submitted(what, fops_execute.parse_response),
        idempotent=False,
    )


def fops_status_operation(persistent_id: str) -> Operation[JobStatus]:
    """The state of a processing job (no credentials needed: the endpoint is open)."""
    what = f"fops status of {persistent_id}"

    def read(response: httpx.Response) -> JobStatus:
        parsed = fops_status.parse_response(response)
        return job_status(
            parsed_or_raise(parsed, response, what, FopsStatus), request_id_of(response)
        )

    return Operation(
        what=what,
        host="mgr",
        request=fops_status.build_request(persistent_id=persistent_id),
        parse=read,
    )


def image_detect_operation(image_url: str, kind: str, bucket: str) -> Operation[ImageDetection]:
    what = f"{kind} detection of {image_url}"

    def read(response: httpx.Response) -> ImageDetection:
        parsed = image_detect.parse_response(response)
        result = parsed_or_raise(parsed, response, what, ImageDetectResult)
        return ImageDetection(
            results=tuple(opt(result.results) or ()),
            message=opt(result.message) or "",
            request_id=request_id_of(response),
        )

    form = ImageDetectForm(image=urlsafe_b64encode(image_url), type_=kind, bucket=bucket)
    return Operation(
        what=what, host="mgr", request=image_detect.build_request(body=form), parse=read
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
        """Run processing commands (``|``-piped, ``;``-joined) on ``bucket/key``."""
        op = fops_operation(
            self._client.config,
            bucket,
            key,
            fops,
            notify_url=notify_url,
            force=force,
            separate=separate,
        )
        return self._client._run(op)

    def status(self, persistent_id: str) -> JobStatus:
        """The state of a submitted processing job."""
        return self._client._run(fops_status_operation(persistent_id))


class SyncMedia(SyncClientCore):
    """The media methods of the client."""

    def image_detect(self, image_url: str, kind: str, bucket: str) -> ImageDetection:
        """Content detection of an image (``kind`` e.g. ``"porn"``)."""
        return self._run(image_detect_operation(image_url, kind, bucket))
