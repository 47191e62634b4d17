from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import httpx

if TYPE_CHECKING:
    # Annotations only: the client classes are imported by the programs that use them.
    from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.wslive_list import WsliveList
from ...types import UNSET, RequestArgs, Response, Unset, encode_query, release


def _get_kwargs(
    *,
    channelname: str,
    start_time: str,
    end_time: str,
    bucket: str,
    start: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> dict[str, Any]:

    _query = encode_query(
        [
            ("channelname", channelname),
            ("startTime", start_time),
            ("endTime", end_time),
            ("bucket", bucket),
            ("start", start),
            ("limit", limit),
        ]
    )

    _url = "/wslive/list"
    if _query:
        _url += "?" + _query

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": _url,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client | None, response: httpx.Response
) -> ErrorBody | WsliveList | None:
    try:
        if response.status_code == 200:
            _data = response.json()
            if not isinstance(_data, dict):
                return None
            response_200 = WsliveList.from_dict(_data)

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
) -> Response[ErrorBody | WsliveList]:
    return Response(
        status_code=response.status_code,
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def build_request(
    *,
    channelname: str,
    start_time: str,
    end_time: str,
    bucket: str,
    start: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> RequestArgs:
    """The request of this endpoint, as keywords of ``httpx.Client.request``."""
    return cast(
        RequestArgs,
        _get_kwargs(
            channelname=channelname,
            start_time=start_time,
            end_time=end_time,
            bucket=bucket,
            start=start,
            limit=limit,
        ),
    )


def parse_response(response: httpx.Response) -> ErrorBody | WsliveList | None:
    """The documented body of an answer of this endpoint; ``None`` when it is not that."""
    return _parse_response(client=None, response=response)


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    channelname: str,
    start_time: str,
    end_time: str,
    bucket: str,
    start: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[ErrorBody | WsliveList]:
    """List the recordings of a live channel.

     The response shape is not documented; known fields are optional.

    Args:
        channelname (str): Live channel name.
        start_time (str): Start of the window, `YYYYMMDDhhmmss`.
        end_time (str): End of the window, `YYYYMMDDhhmmss`.
        bucket (str): Bucket holding the recordings (raw name).
        start (int | Unset): 1-based number of the first record to return (server default 1).
        limit (int | Unset): Maximum number of records (all when absent).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | WsliveList]
    """

    kwargs = _get_kwargs(
        channelname=channelname,
        start_time=start_time,
        end_time=end_time,
        bucket=bucket,
        start=start,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=release(response))


def sync(
    *,
    client: AuthenticatedClient | Client,
    channelname: str,
    start_time: str,
    end_time: str,
    bucket: str,
    start: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> ErrorBody | WsliveList | None:
    """List the recordings of a live channel.

     The response shape is not documented; known fields are optional.

    Args:
        channelname (str): Live channel name.
        start_time (str): Start of the window, `YYYYMMDDhhmmss`.
        end_time (str): End of the window, `YYYYMMDDhhmmss`.
        bucket (str): Bucket holding the recordings (raw name).
        start (int | Unset): 1-based number of the first record to return (server default 1).
        limit (int | Unset): Maximum number of records (all when absent).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | WsliveList
    """

    return sync_detailed(
        client=client,
        channelname=channelname,
        start_time=start_time,
        end_time=end_time,
        bucket=bucket,
        start=start,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    channelname: str,
    start_time: str,
    end_time: str,
    bucket: str,
    start: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[ErrorBody | WsliveList]:
    """List the recordings of a live channel.

     The response shape is not documented; known fields are optional.

    Args:
        channelname (str): Live channel name.
        start_time (str): Start of the window, `YYYYMMDDhhmmss`.
        end_time (str): End of the window, `YYYYMMDDhhmmss`.
        bucket (str): Bucket holding the recordings (raw name).
        start (int | Unset): 1-based number of the first record to return (server default 1).
        limit (int | Unset): Maximum number of records (all when absent).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | WsliveList]
    """

    kwargs = _get_kwargs(
        channelname=channelname,
        start_time=start_time,
        end_time=end_time,
        bucket=bucket,
        start=start,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=release(response))


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    channelname: str,
    start_time: str,
    end_time: str,
    bucket: str,
    start: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> ErrorBody | WsliveList | None:
    """List the recordings of a live channel.

     The response shape is not documented; known fields are optional.

    Args:
        channelname (str): Live channel name.
        start_time (str): Start of the window, `YYYYMMDDhhmmss`.
        end_time (str): End of the window, `YYYYMMDDhhmmss`.
        bucket (str): Bucket holding the recordings (raw name).
        start (int | Unset): 1-based number of the first record to return (server default 1).
        limit (int | Unset): Maximum number of records (all when absent).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | WsliveList
    """

    return (
        await asyncio_detailed(
            client=client,
            channelname=channelname,
            start_time=start_time,
            end_time=end_time,
            bucket=bucket,
            start=start,
            limit=limit,
        )
    ).parsed
