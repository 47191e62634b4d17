"""Live streaming: the recordings of a live channel."""

from __future__ import annotations

import httpx

from wcs_client import models as generated
from wcs_client.api import manage
from wcs_client.types import UNSET

from ..._operation import Operation
from ..._responses import answer_reader, opt, request_id_of
from ...models import LiveRecordings
from ..client_core import AsyncClientCore

__all__ = ["AsyncLive"]


def _recordings(listing: generated.WsliveList, response: httpx.Response) -> LiveRecordings:
    return LiveRecordings(
        total=opt(listing.total),
        items=tuple(r.to_dict() for r in opt(listing.items) or ()),
        request_id=request_id_of(response),
    )


class AsyncLive(AsyncClientCore):
    """The live-streaming methods of the client."""

    async def wslive_list(
        self,
        channel: str,
        start_time: str,
        end_time: str,
        bucket: str,
        *,
        start: int | None = None,
        limit: int | None = None,
    ) -> LiveRecordings:
        """Recordings of a live channel between two ``YYYYMMDDhhmmss`` times."""
        what = f"live recordings of {channel}"
        op = Operation(
            what=what,
            host="mgr",
            request=manage.wslive_list.build_request(
                channelname=channel,
                start_time=start_time,
                end_time=end_time,
                bucket=bucket,
                start=UNSET if start is None else start,
                limit=UNSET if limit is None else limit,
            ),
            parse=answer_reader(
                what, manage.wslive_list.parse_response, generated.WsliveList, _recordings
            ),
        )
        return await self._run(op)
