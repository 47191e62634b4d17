from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import httpx

if TYPE_CHECKING:
    # Annotations only: the client classes are imported by the programs that use them.
    from ...client import AuthenticatedClient, Client
from ...models.bucket_list import BucketList
from ...models.error_body import ErrorBody
from ...types import RequestArgs, Response, release


def _get_kwargs() -> dict[str, Any]:

    _url = "/bucket/list"

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": _url,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client | None, response: httpx.Response
) -> BucketList | ErrorBody | None:
    try:
        if response.status_code == 200:
            _data = response.json()
            if not isinstance(_data, dict):
                return None
            response_200 = BucketList.from_dict(_data)

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
) -> Response[BucketList | ErrorBody]:
    return Response(
        status_code=response.status_code,
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def build_request() -> RequestArgs:
    """The request of this endpoint, as keywords of ``httpx.Client.request``."""
    return cast(RequestArgs, _get_kwargs())


def parse_response(response: httpx.Response) -> BucketList | ErrorBody | None:
    """The documented body of an answer of this endpoint; ``None`` when it is not that."""
    return _parse_response(client=None, response=response)


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[BucketList | ErrorBody]:
    """List the account's buckets.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BucketList | ErrorBody]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=release(response))


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> BucketList | ErrorBody | None:
    """List the account's buckets.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BucketList | ErrorBody
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[BucketList | ErrorBody]:
    """List the account's buckets.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BucketList | ErrorBody]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=release(response))


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> BucketList | ErrorBody | None:
    """List the account's buckets.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BucketList | ErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
