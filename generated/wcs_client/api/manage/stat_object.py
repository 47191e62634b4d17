from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

import httpx

if TYPE_CHECKING:
    # Annotations only: the client classes are imported by the programs that use them.
    from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.object_stat import ObjectStat
from ...types import RequestArgs, Response, release


def _get_kwargs(
    entry: str,
) -> dict[str, Any]:

    _url = "/stat/{entry}".format(
        entry=quote(str(entry), safe="="),
    )

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": _url,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client | None, response: httpx.Response
) -> ErrorBody | ObjectStat | None:
    try:
        if response.status_code == 200:
            _data = response.json()
            if not isinstance(_data, dict):
                return None
            response_200 = ObjectStat.from_dict(_data)

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
) -> Response[ErrorBody | ObjectStat]:
    return Response(
        status_code=response.status_code,
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def build_request(
    entry: str,
) -> RequestArgs:
    """The request of this endpoint, as keywords of ``httpx.Client.request``."""
    return cast(
        RequestArgs,
        _get_kwargs(
            entry=entry,
        ),
    )


def parse_response(response: httpx.Response) -> ErrorBody | ObjectStat | None:
    """The documented body of an answer of this endpoint; ``None`` when it is not that."""
    return _parse_response(client=None, response=response)


def sync_detailed(
    entry: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorBody | ObjectStat]:
    """Metadata of one object.

     Appendable objects also answer with the headers `x-wcs-object-type: Appendable` and
    `x-wcs-next-append-positon`.

    Args:
        entry (str): The object's entry: `b64u(bucket:key)`, padding kept.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ObjectStat]
    """

    kwargs = _get_kwargs(
        entry=entry,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=release(response))


def sync(
    entry: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorBody | ObjectStat | None:
    """Metadata of one object.

     Appendable objects also answer with the headers `x-wcs-object-type: Appendable` and
    `x-wcs-next-append-positon`.

    Args:
        entry (str): The object's entry: `b64u(bucket:key)`, padding kept.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ObjectStat
    """

    return sync_detailed(
        entry=entry,
        client=client,
    ).parsed


async def asyncio_detailed(
    entry: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorBody | ObjectStat]:
    """Metadata of one object.

     Appendable objects also answer with the headers `x-wcs-object-type: Appendable` and
    `x-wcs-next-append-positon`.

    Args:
        entry (str): The object's entry: `b64u(bucket:key)`, padding kept.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ObjectStat]
    """

    kwargs = _get_kwargs(
        entry=entry,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=release(response))


async def asyncio(
    entry: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorBody | ObjectStat | None:
    """Metadata of one object.

     Appendable objects also answer with the headers `x-wcs-object-type: Appendable` and
    `x-wcs-next-append-positon`.

    Args:
        entry (str): The object's entry: `b64u(bucket:key)`, padding kept.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ObjectStat
    """

    return (
        await asyncio_detailed(
            entry=entry,
            client=client,
        )
    ).parsed
