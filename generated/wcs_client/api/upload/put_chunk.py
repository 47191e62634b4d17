from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

import httpx

if TYPE_CHECKING:
    # Annotations only: the client classes are imported by the programs that use them.
    from ...client import AuthenticatedClient, Client
from ...models.block_result import BlockResult
from ...models.error_body import ErrorBody
from ...types import UNSET, File, RequestArgs, Response, Unset, release


def _get_kwargs(
    ctx: str,
    offset: int,
    *,
    body: File,
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

    _url = "/bput/{ctx}/{offset}".format(
        ctx=quote(str(ctx), safe="="),
        offset=quote(str(offset), safe="="),
    )

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": _url,
        "auth": None,
    }

    _kwargs["content"] = body.payload.read()
    headers["Content-Type"] = "application/octet-stream"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client | None, response: httpx.Response
) -> BlockResult | ErrorBody | None:
    try:
        if response.status_code == 200:
            _data = response.json()
            if not isinstance(_data, dict):
                return None
            response_200 = BlockResult.from_dict(_data)

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
) -> Response[BlockResult | ErrorBody]:
    return Response(
        status_code=response.status_code,
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def build_request(
    ctx: str,
    offset: int,
    *,
    body: File,
    authorization: str,
    upload_batch: str | Unset = UNSET,
    x_wos_traffic_limit: int | Unset = UNSET,
) -> RequestArgs:
    """The request of this endpoint, as keywords of ``httpx.Client.request``."""
    return cast(
        RequestArgs,
        _get_kwargs(
            ctx=ctx,
            offset=offset,
            body=body,
            authorization=authorization,
            upload_batch=upload_batch,
            x_wos_traffic_limit=x_wos_traffic_limit,
        ),
    )


def parse_response(response: httpx.Response) -> BlockResult | ErrorBody | None:
    """The documented body of an answer of this endpoint; ``None`` when it is not that."""
    return _parse_response(client=None, response=response)


def sync_detailed(
    ctx: str,
    offset: int,
    *,
    client: AuthenticatedClient | Client,
    body: File,
    authorization: str,
    upload_batch: str | Unset = UNSET,
    x_wos_traffic_limit: int | Unset = UNSET,
) -> Response[BlockResult | ErrorBody]:
    """Append the next chunk to a block.

    Args:
        ctx (str): The `ctx` returned by the previous `make_block` or `put_chunk` of this block
            (URL-path safe).
        offset (int): Offset of this chunk within the block, in bytes (= bytes of the block
            already sent).
        authorization (str): The upload token `AK:sign:encodedPolicy`, raw (no scheme word).
        upload_batch (str | Unset): Upload id shared by every mkblk/bput/mkfile of one upload (and
            of its resumption).
        x_wos_traffic_limit (int | Unset): Bandwidth limit for this transfer (unit not
            documented).
        body (File): The bytes of the chunk.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BlockResult | ErrorBody]
    """

    kwargs = _get_kwargs(
        ctx=ctx,
        offset=offset,
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
    ctx: str,
    offset: int,
    *,
    client: AuthenticatedClient | Client,
    body: File,
    authorization: str,
    upload_batch: str | Unset = UNSET,
    x_wos_traffic_limit: int | Unset = UNSET,
) -> BlockResult | ErrorBody | None:
    """Append the next chunk to a block.

    Args:
        ctx (str): The `ctx` returned by the previous `make_block` or `put_chunk` of this block
            (URL-path safe).
        offset (int): Offset of this chunk within the block, in bytes (= bytes of the block
            already sent).
        authorization (str): The upload token `AK:sign:encodedPolicy`, raw (no scheme word).
        upload_batch (str | Unset): Upload id shared by every mkblk/bput/mkfile of one upload (and
            of its resumption).
        x_wos_traffic_limit (int | Unset): Bandwidth limit for this transfer (unit not
            documented).
        body (File): The bytes of the chunk.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BlockResult | ErrorBody
    """

    return sync_detailed(
        ctx=ctx,
        offset=offset,
        client=client,
        body=body,
        authorization=authorization,
        upload_batch=upload_batch,
        x_wos_traffic_limit=x_wos_traffic_limit,
    ).parsed


async def asyncio_detailed(
    ctx: str,
    offset: int,
    *,
    client: AuthenticatedClient | Client,
    body: File,
    authorization: str,
    upload_batch: str | Unset = UNSET,
    x_wos_traffic_limit: int | Unset = UNSET,
) -> Response[BlockResult | ErrorBody]:
    """Append the next chunk to a block.

    Args:
        ctx (str): The `ctx` returned by the previous `make_block` or `put_chunk` of this block
            (URL-path safe).
        offset (int): Offset of this chunk within the block, in bytes (= bytes of the block
            already sent).
        authorization (str): The upload token `AK:sign:encodedPolicy`, raw (no scheme word).
        upload_batch (str | Unset): Upload id shared by every mkblk/bput/mkfile of one upload (and
            of its resumption).
        x_wos_traffic_limit (int | Unset): Bandwidth limit for this transfer (unit not
            documented).
        body (File): The bytes of the chunk.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BlockResult | ErrorBody]
    """

    kwargs = _get_kwargs(
        ctx=ctx,
        offset=offset,
        body=body,
        authorization=authorization,
        upload_batch=upload_batch,
        x_wos_traffic_limit=x_wos_traffic_limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=release(response))


async def asyncio(
    ctx: str,
    offset: int,
    *,
    client: AuthenticatedClient | Client,
    body: File,
    authorization: str,
    upload_batch: str | Unset = UNSET,
    x_wos_traffic_limit: int | Unset = UNSET,
) -> BlockResult | ErrorBody | None:
    """Append the next chunk to a block.

    Args:
        ctx (str): The `ctx` returned by the previous `make_block` or `put_chunk` of this block
            (URL-path safe).
        offset (int): Offset of this chunk within the block, in bytes (= bytes of the block
            already sent).
        authorization (str): The upload token `AK:sign:encodedPolicy`, raw (no scheme word).
        upload_batch (str | Unset): Upload id shared by every mkblk/bput/mkfile of one upload (and
            of its resumption).
        x_wos_traffic_limit (int | Unset): Bandwidth limit for this transfer (unit not
            documented).
        body (File): The bytes of the chunk.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BlockResult | ErrorBody
    """

    return (
        await asyncio_detailed(
            ctx=ctx,
            offset=offset,
            client=client,
            body=body,
            authorization=authorization,
            upload_batch=upload_batch,
            x_wos_traffic_limit=x_wos_traffic_limit,
        )
    ).parsed
