"""Media endpoints of the management host that the emulator answers only in shape:
``/imageDetect`` (checked, then 501) and ``/wslive/list`` (no recordings, ever)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ..errors import EmulatorError
from .answers import ok
from .management_call import Call, managed

__all__ = ["routes"]


def image_detect(call: Call) -> Response:
    for name in ("image", "type", "bucket"):
        call.param(name, source="form")
    raise EmulatorError(501, "image detection is not supported by the emulator")


def wslive_list(call: Call) -> Response:
    for name in ("channelname", "startTime", "endTime"):
        call.param(name)
    call.rt.objects.require_bucket(call.param("bucket"))
    return ok(total=0, items=[])


def routes() -> list[Route]:
    return [
        Route("/imageDetect", managed(image_detect), methods=["POST"]),
        Route("/wslive/list", managed(wslive_list), methods=["GET"]),
    ]
