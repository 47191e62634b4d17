from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import httpx

if TYPE_CHECKING:
    # Annotations only: the client classes are imported by the programs that use them.
    from ...client import AuthenticatedClient, Client
from ...models.bucket_stat_is_list_details import BucketStatIsListDetails
from ...models.bucket_stat_result import BucketStatResult
from ...models.error_body import ErrorBody
from ...types import UNSET, RequestArgs, Response, Unset, encode_query, release


def _get_kwargs(
    *,
    name: str,
    startdate: str,
    enddate: str,
    is_list_details: BucketStatIsListDetails | Unset = BucketStatIsListDetails.FALSE,
    storage_type: str | Unset = UNSET,
) -> dict[str, Any]:

    _query = encode_query(
        [
            ("name", name),
            ("startdate", startdate),
            ("enddate", enddate),
            ("isListDetails", is_list_details),
            ("storageType", storage_type),
        ]
    )

    _url = "/bucket/stat"
    if _query:
        _url += "?" + _query

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": _url,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client | None, response: httpx.Response
) -> BucketStatResult | ErrorBody | None:
    try:
        if response.status_code == 200:
            _data = response.json()
            if not isinstance(_data, dict):
                return None
            response_200 = BucketStatResult.from_dict(_data)

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
) -> Response[BucketStatResult | ErrorBody]:
    return Response(
        status_code=response.status_code,
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def build_request(
    *,
    name: str,
    startdate: str,
    enddate: str,
    is_list_details: BucketStatIsListDetails | Unset = BucketStatIsListDetails.FALSE,
    storage_type: str | Unset = UNSET,
) -> RequestArgs:
    """The request of this endpoint, as keywords of ``httpx.Client.request``."""
    return cast(
        RequestArgs,
        _get_kwargs(
            name=name,
            startdate=startdate,
            enddate=enddate,
            is_list_details=is_list_details,
            storage_type=storage_type,
        ),
    )


def parse_response(response: httpx.Response) -> BucketStatResult | ErrorBody | None:
    """The documented body of an answer of this endpoint; ``None`` when it is not that."""
    return _parse_response(client=None, response=response)


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    name: str,
    startdate: str,
    enddate: str,
    is_list_details: BucketStatIsListDetails | Unset = BucketStatIsListDetails.FALSE,
    storage_type: str | Unset = UNSET,
) -> Response[BucketStatResult | ErrorBody]:
    """Daily storage used by one or more buckets.

     The query span may be at most 6 months.

    Args:
        name (str): `b64u` of the bucket names joined by `|` (one Base64 value for all of them).
        startdate (str): First day, `YYYY-MM-DD`.
        enddate (str): Last day, `YYYY-MM-DD`.
        is_list_details (BucketStatIsListDetails | Unset): `true` to list the value of every day,
            `false` for the summary. Default: BucketStatIsListDetails.FALSE.
        storage_type (str | Unset): Storage class to report (docs `Standard`, `InfrequentAccess`,
            `Archive`); all when absent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BucketStatResult | ErrorBody]
    """

    kwargs = _get_kwargs(
        name=name,
        startdate=startdate,
        enddate=enddate,
        is_list_details=is_list_details,
        storage_type=storage_type,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=release(response))


def sync(
    *,
    client: AuthenticatedClient | Client,
    name: str,
    startdate: str,
    enddate: str,
    is_list_details: BucketStatIsListDetails | Unset = BucketStatIsListDetails.FALSE,
    storage_type: str | Unset = UNSET,
) -> BucketStatResult | ErrorBody | None:
    """Daily storage used by one or more buckets.

     The query span may be at most 6 months.

    Args:
        name (str): `b64u` of the bucket names joined by `|` (one Base64 value for all of them).
        startdate (str): First day, `YYYY-MM-DD`.
        enddate (str): Last day, `YYYY-MM-DD`.
        is_list_details (BucketStatIsListDetails | Unset): `true` to list the value of every day,
            `false` for the summary. Default: BucketStatIsListDetails.FALSE.
        storage_type (str | Unset): Storage class to report (docs `Standard`, `InfrequentAccess`,
            `Archive`); all when absent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BucketStatResult | ErrorBody
    """

    return sync_detailed(
        client=client,
        name=name,
        startdate=startdate,
        enddate=enddate,
        is_list_details=is_list_details,
        storage_type=storage_type,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    name: str,
    startdate: str,
    enddate: str,
    is_list_details: BucketStatIsListDetails | Unset = BucketStatIsListDetails.FALSE,
    storage_type: str | Unset = UNSET,
) -> Response[BucketStatResult | ErrorBody]:
    """Daily storage used by one or more buckets.

     The query span may be at most 6 months.

    Args:
        name (str): `b64u` of the bucket names joined by `|` (one Base64 value for all of them).
        startdate (str): First day, `YYYY-MM-DD`.
        enddate (str): Last day, `YYYY-MM-DD`.
        is_list_details (BucketStatIsListDetails | Unset): `true` to list the value of every day,
            `false` for the summary. Default: BucketStatIsListDetails.FALSE.
        storage_type (str | Unset): Storage class to report (docs `Standard`, `InfrequentAccess`,
            `Archive`); all when absent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BucketStatResult | ErrorBody]
    """

    kwargs = _get_kwargs(
        name=name,
        startdate=startdate,
        enddate=enddate,
        is_list_details=is_list_details,
        storage_type=storage_type,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=release(response))


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    name: str,
    startdate: str,
    enddate: str,
    is_list_details: BucketStatIsListDetails | Unset = BucketStatIsListDetails.FALSE,
    storage_type: str | Unset = UNSET,
) -> BucketStatResult | ErrorBody | None:
    """Daily storage used by one or more buckets.

     The query span may be at most 6 months.

    Args:
        name (str): `b64u` of the bucket names joined by `|` (one Base64 value for all of them).
        startdate (str): First day, `YYYY-MM-DD`.
        enddate (str): Last day, `YYYY-MM-DD`.
        is_list_details (BucketStatIsListDetails | Unset): `true` to list the value of every day,
            `false` for the summary. Default: BucketStatIsListDetails.FALSE.
        storage_type (str | Unset): Storage class to report (docs `Standard`, `InfrequentAccess`,
            `Archive`); all when absent.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BucketStatResult | ErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            name=name,
            startdate=startdate,
            enddate=enddate,
            is_list_details=is_list_details,
            storage_type=storage_type,
        )
    ).parsed
