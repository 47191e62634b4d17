from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import httpx

if TYPE_CHECKING:
    # Annotations only: the client classes are imported by the programs that use them.
    from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.fmgr_status import FmgrStatus
from ...types import RequestArgs, Response, encode_query, release


def _get_kwargs(
    *,
    persistent_id: str,
) -> dict[str, Any]:

    _query = encode_query(
        [
            ("persistentId", persistent_id),
        ]
    )

    _url = "/fmgr/status"
    if _query:
        _url += "?" + _query

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": _url,
        "auth": None,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client | None, response: httpx.Response
) -> ErrorBody | FmgrStatus | None:
    try:
        if response.status_code == 200:
            _data = response.json()
            if not isinstance(_data, dict):
                return None
            response_200 = FmgrStatus.from_dict(_data)

            return response_200

        _data = response.json()
        if not isinstance(_data, dict):
            return None
        response_default = ErrorBody.from_dict(_data)

        return response_default

    except (ValueError, TypeError, KeyError, AttributeError):
        # Not JSON (an empty body, an HTML error page from a proxy) or not the documented shape:
        # leave `parsed` empty; callers read status_code and content.
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | FmgrStatus]:
    return Response(
        status_code=response.status_code,
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def build_request(
    *,
    persistent_id: str,
) -> RequestArgs:
    """The request of this endpoint, as keywords of ``httpx.Client.request``."""
    return cast(
        RequestArgs,
        _get_kwargs(
            persistent_id=persistent_id,
        ),
    )


def parse_response(response: httpx.Response) -> ErrorBody | FmgrStatus | None:
    """The documented body of an answer of this endpoint; ``None`` when it is not that."""
    return _parse_response(client=None, response=response)


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    persistent_id: str,
) -> Response[ErrorBody | FmgrStatus]:
    """Status of an fmgr task (no authentication).

    Args:
        persistent_id (str): The `persistentId` returned when the task was submitted.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | FmgrStatus]
    """

    kwargs = _get_kwargs(
        persistent_id=persistent_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=release(response))


def sync(
    *,
    client: AuthenticatedClient | Client,
    persistent_id: str,
) -> ErrorBody | FmgrStatus | None:
    """Status of an fmgr task (no authentication).

    Args:
        persistent_id (str): The `persistentId` returned when the task was submitted.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | FmgrStatus
    """

    return sync_detailed(
        client=client,
        persistent_id=persistent_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    persistent_id: str,
) -> Response[ErrorBody | FmgrStatus]:
    """Status of an fmgr task (no authentication).

    Args:
        persistent_id (str): The `persistentId` returned when the task was submitted.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | FmgrStatus]
    """

    kwargs = _get_kwargs(
        persistent_id=persistent_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=release(response))


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    persistent_id: str,
) -> ErrorBody | FmgrStatus | None:
    """Status of an fmgr task (no authentication).

    Args:
        persistent_id (str): The `persistentId` returned when the task was submitted.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | FmgrStatus
    """

    return (
        await asyncio_detailed(
            client=client,
            persistent_id=persistent_id,
        )
    ).parsed
