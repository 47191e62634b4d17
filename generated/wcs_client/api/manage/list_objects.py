from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import httpx

if TYPE_CHECKING:
    # Annotations only: the client classes are imported by the programs that use them.
    from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.list_objects_mode import ListObjectsMode
from ...models.object_list import ObjectList
from ...types import UNSET, RequestArgs, Response, Unset, encode_query, release


def _get_kwargs(
    *,
    bucket: str,
    marker: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    prefix: str | Unset = UNSET,
    mode: ListObjectsMode | Unset = UNSET,
    start_time: int | Unset = UNSET,
    end_time: int | Unset = UNSET,
) -> dict[str, Any]:

    _query = encode_query(
        [
            ("bucket", bucket),
            ("marker", marker),
            ("limit", limit),
            ("prefix", prefix),
            ("mode", mode),
            ("startTime", start_time),
            ("endTime", end_time),
        ]
    )

    _url = "/list"
    if _query:
        _url += "?" + _query

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": _url,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client | None, response: httpx.Response
) -> ErrorBody | ObjectList | None:
    try:
        if response.status_code == 200:
            _data = response.json()
            if not isinstance(_data, dict):
                return None
            response_200 = ObjectList.from_dict(_data)

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
) -> Response[ErrorBody | ObjectList]:
    return Response(
        status_code=response.status_code,
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def build_request(
    *,
    bucket: str,
    marker: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    prefix: str | Unset = UNSET,
    mode: ListObjectsMode | Unset = UNSET,
    start_time: int | Unset = UNSET,
    end_time: int | Unset = UNSET,
) -> RequestArgs:
    """The request of this endpoint, as keywords of ``httpx.Client.request``."""
    return cast(
        RequestArgs,
        _get_kwargs(
            bucket=bucket,
            marker=marker,
            limit=limit,
            prefix=prefix,
            mode=mode,
            start_time=start_time,
            end_time=end_time,
        ),
    )


def parse_response(response: httpx.Response) -> ErrorBody | ObjectList | None:
    """The documented body of an answer of this endpoint; ``None`` when it is not that."""
    return _parse_response(client=None, response=response)


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    bucket: str,
    marker: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    prefix: str | Unset = UNSET,
    mode: ListObjectsMode | Unset = UNSET,
    start_time: int | Unset = UNSET,
    end_time: int | Unset = UNSET,
) -> Response[ErrorBody | ObjectList]:
    """List one page of a bucket's objects.

     Parameters are sent in the declared order, only those that are set. Page on with the
    returned `marker` until it is empty or absent.

    Args:
        bucket (str): Bucket name (raw, not Base64).
        marker (str | Unset): Opaque continuation token from the previous page, sent back
            verbatim.
        limit (int | Unset): Entries per page, 1..1000 (server default 1000).
        prefix (str | Unset): Key prefix, already Base64-encoded by the caller (`b64u(prefix)`).
        mode (ListObjectsMode | Unset): Listing mode: 0 = files first, 1 = folders first; absent =
            flat key order.
        start_time (int | Unset): Only objects uploaded at or after this instant, epoch
            milliseconds.
        end_time (int | Unset): Only objects uploaded at or before this instant, epoch
            milliseconds.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ObjectList]
    """

    kwargs = _get_kwargs(
        bucket=bucket,
        marker=marker,
        limit=limit,
        prefix=prefix,
        mode=mode,
        start_time=start_time,
        end_time=end_time,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=release(response))


def sync(
    *,
    client: AuthenticatedClient | Client,
    bucket: str,
    marker: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    prefix: str | Unset = UNSET,
    mode: ListObjectsMode | Unset = UNSET,
    start_time: int | Unset = UNSET,
    end_time: int | Unset = UNSET,
) -> ErrorBody | ObjectList | None:
    """List one page of a bucket's objects.

     Parameters are sent in the declared order, only those that are set. Page on with the
    returned `marker` until it is empty or absent.

    Args:
        bucket (str): Bucket name (raw, not Base64).
        marker (str | Unset): Opaque continuation token from the previous page, sent back
            verbatim.
        limit (int | Unset): Entries per page, 1..1000 (server default 1000).
        prefix (str | Unset): Key prefix, already Base64-encoded by the caller (`b64u(prefix)`).
        mode (ListObjectsMode | Unset): Listing mode: 0 = files first, 1 = folders first; absent =
            flat key order.
        start_time (int | Unset): Only objects uploaded at or after this instant, epoch
            milliseconds.
        end_time (int | Unset): Only objects uploaded at or before this instant, epoch
            milliseconds.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ObjectList
    """

    return sync_detailed(
        client=client,
        bucket=bucket,
        marker=marker,
        limit=limit,
        prefix=prefix,
        mode=mode,
        start_time=start_time,
        end_time=end_time,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    bucket: str,
    marker: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    prefix: str | Unset = UNSET,
    mode: ListObjectsMode | Unset = UNSET,
    start_time: int | Unset = UNSET,
    end_time: int | Unset = UNSET,
) -> Response[ErrorBody | ObjectList]:
    """List one page of a bucket's objects.

     Parameters are sent in the declared order, only those that are set. Page on with the
    returned `marker` until it is empty or absent.

    Args:
        bucket (str): Bucket name (raw, not Base64).
        marker (str | Unset): Opaque continuation token from the previous page, sent back
            verbatim.
        limit (int | Unset): Entries per page, 1..1000 (server default 1000).
        prefix (str | Unset): Key prefix, already Base64-encoded by the caller (`b64u(prefix)`).
        mode (ListObjectsMode | Unset): Listing mode: 0 = files first, 1 = folders first; absent =
            flat key order.
        start_time (int | Unset): Only objects uploaded at or after this instant, epoch
            milliseconds.
        end_time (int | Unset): Only objects uploaded at or before this instant, epoch
            milliseconds.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ObjectList]
    """

    kwargs = _get_kwargs(
        bucket=bucket,
        marker=marker,
        limit=limit,
        prefix=prefix,
        mode=mode,
        start_time=start_time,
        end_time=end_time,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=release(response))


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    bucket: str,
    marker: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    prefix: str | Unset = UNSET,
    mode: ListObjectsMode | Unset = UNSET,
    start_time: int | Unset = UNSET,
    end_time: int | Unset = UNSET,
) -> ErrorBody | ObjectList | None:
    """List one page of a bucket's objects.

     Parameters are sent in the declared order, only those that are set. Page on with the
    returned `marker` until it is empty or absent.

    Args:
        bucket (str): Bucket name (raw, not Base64).
        marker (str | Unset): Opaque continuation token from the previous page, sent back
            verbatim.
        limit (int | Unset): Entries per page, 1..1000 (server default 1000).
        prefix (str | Unset): Key prefix, already Base64-encoded by the caller (`b64u(prefix)`).
        mode (ListObjectsMode | Unset): Listing mode: 0 = files first, 1 = folders first; absent =
            flat key order.
        start_time (int | Unset): Only objects uploaded at or after this instant, epoch
            milliseconds.
        end_time (int | Unset): Only objects uploaded at or before this instant, epoch
            milliseconds.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ObjectList
    """

    return (
        await asyncio_detailed(
            client=client,
            bucket=bucket,
            marker=marker,
            limit=limit,
            prefix=prefix,
            mode=mode,
            start_time=start_time,
            end_time=end_time,
        )
    ).parsed
