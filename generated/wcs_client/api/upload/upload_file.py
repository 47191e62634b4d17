from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import httpx

if TYPE_CHECKING:
    # Annotations only: the client classes are imported by the programs that use them.
    from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.upload_file_form import UploadFileForm
from ...models.upload_result import UploadResult
from ...types import UNSET, RequestArgs, Response, Unset, release


def _get_kwargs(
    *,
    body: UploadFileForm,
    x_wos_traffic_limit: int | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_wos_traffic_limit, Unset):
        headers["x-wos-traffic-limit"] = str(x_wos_traffic_limit)

    _url = "/file/upload"

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": _url,
        "auth": None,
    }

    _kwargs["files"] = body.to_multipart()

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client | None, response: httpx.Response
) -> ErrorBody | UploadResult | None:
    try:
        if response.status_code == 200:
            _data = response.json()
            if not isinstance(_data, dict):
                return None
            response_200 = UploadResult.from_dict(_data)

            return response_200

        if response.status_code == 303:
            return None

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
) -> Response[ErrorBody | UploadResult]:
    return Response(
        status_code=response.status_code,
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def build_request(
    *,
    body: UploadFileForm,
    x_wos_traffic_limit: int | Unset = UNSET,
) -> RequestArgs:
    """The request of this endpoint, as keywords of ``httpx.Client.request``."""
    return cast(
        RequestArgs,
        _get_kwargs(
            body=body,
            x_wos_traffic_limit=x_wos_traffic_limit,
        ),
    )


def parse_response(response: httpx.Response) -> ErrorBody | UploadResult | None:
    """The documented body of an answer of this endpoint; ``None`` when it is not that."""
    return _parse_response(client=None, response=response)


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: UploadFileForm,
    x_wos_traffic_limit: int | Unset = UNSET,
) -> Response[ErrorBody | UploadResult]:
    """Simple (form) upload of a whole file.

     One multipart/form-data POST carrying the upload token and the file. The original SDK
    sends exactly two parts, `token` then `file`, the file part's filename being the key
    percent-encoded with `/` kept and its Content-Type `text/plain`; the stored key comes
    from the token's `scope`. Documented for files up to 500 MB.

    Args:
        x_wos_traffic_limit (int | Unset): Bandwidth limit for this transfer (unit not
            documented).
        body (UploadFileForm): Form fields of a simple upload, in the order they are sent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | UploadResult]
    """

    kwargs = _get_kwargs(
        body=body,
        x_wos_traffic_limit=x_wos_traffic_limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=release(response))


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: UploadFileForm,
    x_wos_traffic_limit: int | Unset = UNSET,
) -> ErrorBody | UploadResult | None:
    """Simple (form) upload of a whole file.

     One multipart/form-data POST carrying the upload token and the file. The original SDK
    sends exactly two parts, `token` then `file`, the file part's filename being the key
    percent-encoded with `/` kept and its Content-Type `text/plain`; the stored key comes
    from the token's `scope`. Documented for files up to 500 MB.

    Args:
        x_wos_traffic_limit (int | Unset): Bandwidth limit for this transfer (unit not
            documented).
        body (UploadFileForm): Form fields of a simple upload, in the order they are sent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | UploadResult
    """

    return sync_detailed(
        client=client,
        body=body,
        x_wos_traffic_limit=x_wos_traffic_limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: UploadFileForm,
    x_wos_traffic_limit: int | Unset = UNSET,
) -> Response[ErrorBody | UploadResult]:
    """Simple (form) upload of a whole file.

     One multipart/form-data POST carrying the upload token and the file. The original SDK
    sends exactly two parts, `token` then `file`, the file part's filename being the key
    percent-encoded with `/` kept and its Content-Type `text/plain`; the stored key comes
    from the token's `scope`. Documented for files up to 500 MB.

    Args:
        x_wos_traffic_limit (int | Unset): Bandwidth limit for this transfer (unit not
            documented).
        body (UploadFileForm): Form fields of a simple upload, in the order they are sent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | UploadResult]
    """

    kwargs = _get_kwargs(
        body=body,
        x_wos_traffic_limit=x_wos_traffic_limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=release(response))


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: UploadFileForm,
    x_wos_traffic_limit: int | Unset = UNSET,
) -> ErrorBody | UploadResult | None:
    """Simple (form) upload of a whole file.

     One multipart/form-data POST carrying the upload token and the file. The original SDK
    sends exactly two parts, `token` then `file`, the file part's filename being the key
    percent-encoded with `/` kept and its Content-Type `text/plain`; the stored key comes
    from the token's `scope`. Documented for files up to 500 MB.

    Args:
        x_wos_traffic_limit (int | Unset): Bandwidth limit for this transfer (unit not
            documented).
        body (UploadFileForm): Form fields of a simple upload, in the order they are sent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | UploadResult
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_wos_traffic_limit=x_wos_traffic_limit,
        )
    ).parsed
