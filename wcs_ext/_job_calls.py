"""The job calls (fmgr submissions, fops, and their status) as :class:`Operation` s."""

from __future__ import annotations

from typing import Any, Literal

from wcs_client.api.manage import (
    fmgr_compress,
    fmgr_copy,
    fmgr_delete,
    fmgr_delete_m3u8,
    fmgr_delete_prefix,
    fmgr_fetch,
    fmgr_move,
    fmgr_status,
    fops_execute,
    fops_status,
)
from wcs_client.models import (
    FmgrRequest,
    FmgrStatus,
    FopsRequest,
    FopsStatus,
    PersistentIdResult,
)
from wcs_client.types import UNSET, Response

from . import _convert as convert
from ._base_client import Operation, parsed_or_raise, request_id_of
from .config import WcsConfig
from .errors import WcsInputError
from .models import Job, JobStatus
from .protocol.encoding import urlsafe_b64encode

__all__ = ["FMGR_OPERATIONS", "FmgrName", "JobCalls"]

FmgrName = Literal["move", "copy", "fetch", "delete", "deletePrefix", "deletem3u8", "compress"]
FMGR_OPERATIONS: dict[FmgrName, Any] = {
    "move": fmgr_move,
    "copy": fmgr_copy,
    "fetch": fmgr_fetch,
    "delete": fmgr_delete,
    "deletePrefix": fmgr_delete_prefix,
    "deletem3u8": fmgr_delete_m3u8,
    "compress": fmgr_compress,
}
# kind -> (status endpoint, its wire model)
_STATUS: dict[str, tuple[Any, type[FmgrStatus] | type[FopsStatus]]] = {
    "fmgr": (fmgr_status, FmgrStatus),
    "fops": (fops_status, FopsStatus),
}


def _submitted(what: str) -> Any:
    def parse(response: Response[Any]) -> Job:
        submitted = parsed_or_raise(response, what, PersistentIdResult)
        return Job(persistent_id=submitted.persistent_id, request_id=request_id_of(response))

    return parse


class JobCalls:
    """Builds job operations; ``notify_url``/``separate``/``force`` default to the config.

    Flags at 0 are the server's default and are left out, unlike the original, which sent
    ``separate=0&force=0`` whenever the config file mentioned them.
    """

    def __init__(self, *, notify_url: str = "", separate: int = 0, force: int = 0) -> None:
        self._notify_url = notify_url
        self._separate = bool(separate)
        self._force = bool(force)

    @classmethod
    def from_config(cls, config: WcsConfig) -> JobCalls:
        return cls(notify_url=config.notifyurl, separate=config.separate, force=config.force)

    def _options(
        self, notify_url: str | None, separate: bool | None, force: bool | None
    ) -> dict[str, Any]:
        notify = self._notify_url if notify_url is None else notify_url
        return {
            "notify_url": urlsafe_b64encode(notify) if notify else UNSET,
            "separate": 1 if (self._separate if separate is None else separate) else UNSET,
            "force": 1 if (self._force if force is None else force) else UNSET,
        }

    def fmgr(
        self,
        name: FmgrName,
        fops: str,
        *,
        notify_url: str | None = None,
        separate: bool | None = None,
        force: bool | None = None,
    ) -> Operation[Job]:
        if not fops:
            raise WcsInputError(f"fmgr {name} needs at least one operation")
        form = FmgrRequest(fops=fops, **self._options(notify_url, separate, force))
        endpoint = FMGR_OPERATIONS[name]
        return Operation(
            what=f"fmgr {name}",
            host="mgr",
            sync=endpoint.sync_detailed,
            asyncio=endpoint.asyncio_detailed,
            kwargs={"body": form},
            parse=_submitted(f"fmgr {name}"),
            idempotent=False,
        )

    def fops_execute(
        self,
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
            **self._options(notify_url, separate, force),
        )
        what = f"fops on wcs://{bucket}/{key}"
        return Operation(
            what=what,
            host="mgr",
            sync=fops_execute.sync_detailed,
            asyncio=fops_execute.asyncio_detailed,
            kwargs={"body": form},
            parse=_submitted(what),
            idempotent=False,
        )

    def status(self, kind: Literal["fmgr", "fops"], persistent_id: str) -> Operation[JobStatus]:
        """The state of a job (no credentials needed: these endpoints are open)."""
        endpoint, model = _STATUS[kind]
        what = f"{kind} status of {persistent_id}"

        def parse(response: Response[Any]) -> JobStatus:
            return convert.job_status(
                parsed_or_raise(response, what, model), request_id_of(response)
            )

        return Operation(
            what=what,
            host="mgr",
            sync=endpoint.sync_detailed,
            asyncio=endpoint.asyncio_detailed,
            kwargs={"persistent_id": persistent_id},
            parse=parse,
        )
