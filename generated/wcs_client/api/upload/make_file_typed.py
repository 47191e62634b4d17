from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

import httpx

if TYPE_CHECKING:
    # Annotations only: the client classes are imported by the programs that use them.
    from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.upload_result import UploadResult
from ...types import UNSET, RequestArgs, Response, Unset, release


def _get_kwargs(
    file_size: int,
    mime_type: str,
    *,
    body: str,
    authorization: str,
    upload_batch: str | Unset = UNSET,
    x_wos_traffic_limit: int | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["Authorization"] = authorization

    if not isinstance(upload_batch, Unset):
        headers["uploadBatch"] = upload_batch

    if not isinstance(x_wos_traffic_limit, Unset):
        headers["x-wos-traffic-limit"] = str(x_wos_traffic_limit)

    _url = "/mkfile/{file_size}/mimeType/{mime_type}".format(
        file_size=quote(str(file_size), safe="="),
        mime_type=quote(str(mime_type), safe="="),
    )

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": _url,
        "auth": None,
    }

    _kwargs["content"] = body.encode("utf-8")
    headers["Content-Type"] = "text/plain"

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
    file_size: int,
    mime_type: str,
    *,
    body: str,
    authorization: str,
    upload_batch: str | Unset = UNSET,
    x_wos_traffic_limit: int | Unset = UNSET,
) -> RequestArgs:
    """The request of this endpoint, as keywords of ``httpx.Client.request``."""
    return cast(
        RequestArgs,
        _get_kwargs(
            file_size=file_size,
            mime_type=mime_type,
            body=body,
            authorization=authorization,
            upload_batch=upload_batch,
            x_wos_traffic_limit=x_wos_traffic_limit,
        ),
    )


def parse_response(response: httpx.Response) -> ErrorBody | UploadResult | None:
    """The documented body of an answer of this endpoint; ``None`` when it is not that."""
    return _parse_response(client=None, response=response)


def sync_detailed(
    file_size: int,
    mime_type: str,
    *,
    client: AuthenticatedClient | Client,
    body: str,
    authorization: str,
    upload_batch: str | Unset = UNSET,
    x_wos_traffic_limit: int | Unset = UNSET,
) -> Response[ErrorBody | UploadResult]:
    """Assemble the uploaded blocks into the object, stored with a MIME type.

     `make_file` with the object's MIME type given: the `/mimeType/<b64u(type)>` segment
    other WCS SDKs send (without it the server stores its default type, which the docs
    do not name).

    Args:
        file_size (int): Total size of the file in bytes (the sum of all block sizes).
        mime_type (str): b64u of the MIME type to store with the object.
        authorization (str): The upload token `AK:sign:encodedPolicy`, raw (no scheme word).
        upload_batch (str | Unset): Upload id shared by every mkblk/bput/mkfile of one upload (and
            of its resumption).
        x_wos_traffic_limit (int | Unset): Bandwidth limit for this transfer (unit not
            documented).
        body (str): The last `ctx` of every block, in block order, joined by `,`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | UploadResult]
    """

    kwargs = _get_kwargs(
        file_size=file_size,
        mime_type=mime_type,
        body=body,
        authorization=authorization,
        upload_batch=upload_batch,
        x_wos_traffic_limit=x_wos_traffic_limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=release(response))


def sync(
    file_size: int,
    mime_type: str,
    *,
    client: AuthenticatedClient | Client,
    body: str,
    authorization: str,
    upload_batch: str | Unset = UNSET,
    x_wos_traffic_limit: int | Unset = UNSET,
) -> ErrorBody | UploadResult | None:
    """Assemble the uploaded blocks into the object, stored with a MIME type.

     `make_file` with the object's MIME type given: the `/mimeType/<b64u(type)>` segment
    other WCS SDKs send (without it the server stores its default type, which the docs
    do not name).

    Args:
        file_size (int): Total size of the file in bytes (the sum of all block sizes).
        mime_type (str): b64u of the MIME type to store with the object.
        authorization (str): The upload token `AK:sign:encodedPolicy`, raw (no scheme word).
        upload_batch (str | Unset): Upload id shared by every mkblk/bput/mkfile of one upload (and
            of its resumption).
        x_wos_traffic_limit (int | Unset): Bandwidth limit for this transfer (unit not
            documented).
        body (str): The last `ctx` of every block, in block order, joined by `,`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | UploadResult
    """

    return sync_detailed(
        file_size=file_size,
        mime_type=mime_type,
        client=client,
        body=body,
        authorization=authorization,
        upload_batch=upload_batch,
        x_wos_traffic_limit=x_wos_traffic_limit,
    ).parsed


async def asyncio_detailed(
    file_size: int,
    mime_type: str,
    *,
    client: AuthenticatedClient | Client,
    body: str,
    authorization: str,
    upload_batch: str | Unset = UNSET,
    x_wos_traffic_limit: int | Unset = UNSET,
) -> Response[ErrorBody | UploadResult]:
    """Assemble the uploaded blocks into the object, stored with a MIME type.

     `make_file` with the object's MIME type given: the `/mimeType/<b64u(type)>` segment
    other WCS SDKs send (without it the server stores its default type, which the docs
    do not name).

    Args:
        file_size (int): Total size of the file in bytes (the sum of all block sizes).
        mime_type (str): b64u of the MIME type to store with the object.
        authorization (str): The upload token `AK:sign:encodedPolicy`, raw (no scheme word).
        upload_batch (str | Unset): Upload id shared by every mkblk/bput/mkfile of one upload (and
            of its resumption).
        x_wos_traffic_limit (int | Unset): Bandwidth limit for this transfer (unit not
            documented).
        body (str): The last `ctx` of every block, in block order, joined by `,`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | UploadResult]
    """

    kwargs = _get_kwargs(
        file_size=file_size,
        mime_type=mime_type,
        body=body,
        authorization=authorization,
        upload_batch=upload_batch,
        x_wos_traffic_limit=x_wos_traffic_limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=release(response))


async def asyncio(
    file_size: int,
    mime_type: str,
    *,
    client: AuthenticatedClient | Client,
    body: str,
    authorization: str,
    upload_batch: str | Unset = UNSET,
    x_wos_traffic_limit: int | Unset = UNSET,
) -> ErrorBody | UploadResult | None:
    """Assemble the uploaded blocks into the object, stored with a MIME type.

     `make_file` with the object's MIME type given: the `/mimeType/<b64u(type)>` segment
    other WCS SDKs send (without it the server stores its default type, which the docs
    do not name).

    Args:
        file_size (int): Total size of the file in bytes (the sum of all block sizes).
        mime_type (str): b64u of the MIME type to store with the object.
        authorization (str): The upload token `AK:sign:encodedPolicy`, raw (no scheme word).
        upload_batch (str | Unset): Upload id shared by every mkblk/bput/mkfile of one upload (and
            of its resumption).
        x_wos_traffic_limit (int | Unset): Bandwidth limit for this transfer (unit not
            documented).
        body (str): The last `ctx` of every block, in block order, joined by `,`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | UploadResult
    """

    return (
        await asyncio_detailed(
            file_size=file_size,
            mime_type=mime_type,
            client=client,
            body=body,
            authorization=authorization,
            upload_batch=upload_batch,
            x_wos_traffic_limit=x_wos_traffic_limit,
        )
    ).parsed
