from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

import httpx

if TYPE_CHECKING:
    # Annotations only: the client classes are imported by the programs that use them.
    from ...client import AuthenticatedClient, Client
from ...models.code_message import CodeMessage
from ...models.error_body import ErrorBody
from ...types import RequestArgs, Response, release


def _get_kwargs(
    source: str,
    destination: str,
) -> dict[str, Any]:

    _url = "/copy/{source}/{destination}".format(
        source=quote(str(source), safe="="),
        destination=quote(str(destination), safe="="),
    )

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": _url,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client | None, response: httpx.Response
) -> CodeMessage | ErrorBody | None:
    try:
        if response.status_code == 200:
            _data = response.json()
            if not isinstance(_data, dict):
                return None
            response_200 = CodeMessage.from_dict(_data)

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
) -> Response[CodeMessage | ErrorBody]:
    return Response(
        status_code=response.status_code,
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def build_request(
    source: str,
    destination: str,
) -> RequestArgs:
    """The request of this endpoint, as keywords of ``httpx.Client.request``."""
    return cast(
        RequestArgs,
        _get_kwargs(
            source=source,
            destination=destination,
        ),
    )


def parse_response(response: httpx.Response) -> CodeMessage | ErrorBody | None:
    """The documented body of an answer of this endpoint; ``None`` when it is not that."""
    return _parse_response(client=None, response=response)


def sync_detailed(
    source: str,
    destination: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[CodeMessage | ErrorBody]:
    """Copy an object, possibly to another bucket.

     Sent with an empty body (`Content-Length: 0`).

    Args:
        source (str): Entry of the source object: `b64u(srcBucket:srcKey)`.
        destination (str): Entry of the destination object: `b64u(dstBucket:dstKey)`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CodeMessage | ErrorBody]
    """

    kwargs = _get_kwargs(
        source=source,
        destination=destination,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=release(response))


def sync(
    source: str,
    destination: str,
    *,
    client: AuthenticatedClient | Client,
) -> CodeMessage | ErrorBody | None:
    """Copy an object, possibly to another bucket.

     Sent with an empty body (`Content-Length: 0`).

    Args:
        source (str): Entry of the source object: `b64u(srcBucket:srcKey)`.
        destination (str): Entry of the destination object: `b64u(dstBucket:dstKey)`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CodeMessage | ErrorBody
    """

    return sync_detailed(
        source=source,
        destination=destination,
        client=client,
    ).parsed


async def asyncio_detailed(
    source: str,
    destination: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[CodeMessage | ErrorBody]:
    """Copy an object, possibly to another bucket.

     Sent with an empty body (`Content-Length: 0`).

    Args:
        source (str): Entry of the source object: `b64u(srcBucket:srcKey)`.
        destination (str): Entry of the destination object: `b64u(dstBucket:dstKey)`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CodeMessage | ErrorBody]
    """

    kwargs = _get_kwargs(
        source=source,
        destination=destination,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=release(response))


async def asyncio(
    source: str,
    destination: str,
    *,
    client: AuthenticatedClient | Client,
) -> CodeMessage | ErrorBody | None:
    """Copy an object, possibly to another bucket.

     Sent with an empty body (`Content-Length: 0`).

    Args:
        source (str): Entry of the source object: `b64u(srcBucket:srcKey)`.
        destination (str): Entry of the destination object: `b64u(dstBucket:dstKey)`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CodeMessage | ErrorBody
    """

    return (
        await asyncio_detailed(
            source=source,
            destination=destination,
            client=client,
        )
    ).parsed
