from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import httpx

if TYPE_CHECKING:
    # Annotations only: the client classes are imported by the programs that use them.
    from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.image_detect_form import ImageDetectForm
from ...models.image_detect_result import ImageDetectResult
from ...types import RequestArgs, Response, encode_form, release


def _get_kwargs(
    *,
    body: ImageDetectForm,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _url = "/imageDetect"

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": _url,
    }

    _kwargs["content"] = encode_form(body.to_dict())
    headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client | None, response: httpx.Response
) -> ErrorBody | ImageDetectResult | None:
    try:
        if response.status_code == 200:
            _data = response.json()
            if not isinstance(_data, dict):
                return None
            response_200 = ImageDetectResult.from_dict(_data)

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
) -> Response[ErrorBody | ImageDetectResult]:
    return Response(
        status_code=response.status_code,
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def build_request(
    *,
    body: ImageDetectForm,
) -> RequestArgs:
    """The request of this endpoint, as keywords of ``httpx.Client.request``."""
    return cast(
        RequestArgs,
        _get_kwargs(
            body=body,
        ),
    )


def parse_response(response: httpx.Response) -> ErrorBody | ImageDetectResult | None:
    """The documented body of an answer of this endpoint; ``None`` when it is not that."""
    return _parse_response(client=None, response=response)


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ImageDetectForm,
) -> Response[ErrorBody | ImageDetectResult]:
    """Content detection (e.g. pornography) of an image.

     The response shape is not documented; known fields are optional.

    Args:
        body (ImageDetectForm): Body of `imageDetect`, in the order it is sent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ImageDetectResult]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=release(response))


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: ImageDetectForm,
) -> ErrorBody | ImageDetectResult | None:
    """Content detection (e.g. pornography) of an image.

     The response shape is not documented; known fields are optional.

    Args:
        body (ImageDetectForm): Body of `imageDetect`, in the order it is sent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ImageDetectResult
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ImageDetectForm,
) -> Response[ErrorBody | ImageDetectResult]:
    """Content detection (e.g. pornography) of an image.

     The response shape is not documented; known fields are optional.

    Args:
        body (ImageDetectForm): Body of `imageDetect`, in the order it is sent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ImageDetectResult]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=release(response))


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ImageDetectForm,
) -> ErrorBody | ImageDetectResult | None:
    """Content detection (e.g. pornography) of an image.

     The response shape is not documented; known fields are optional.

    Args:
        body (ImageDetectForm): Body of `imageDetect`, in the order it is sent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ImageDetectResult
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
