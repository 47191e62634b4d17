"""What ``Wcs`` and ``AsyncWcs`` share; the twins add only their I/O (openai-style)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import wcs_client

from ._base_client import Host
from ._http import httpx_settings
from ._job_calls import JobCalls
from ._operations import ManagementCalls
from ._policy import upload_tokens
from ._retry import RetryPolicy
from .auth import management_auth
from .config import WcsConfig
from .transfer import TokenSource, TransferSettings

__all__ = ["DEFAULT_MULTIPART_THRESHOLD", "ClientBase", "key_for"]


DEFAULT_MULTIPART_THRESHOLD = 4 * 1024 * 1024
"""Files larger than one default block go as parallel blocks (faster, and resumable)."""


def key_for(path: str | os.PathLike[str], key: str | None) -> str:
    """The key of an upload: the one given, else the file's name."""
    return key if key else Path(path).name


class ClientBase:
    """Configuration, retry policy, the calls made and how the HTTP clients are set up."""

    def __init__(
        self,
        config: WcsConfig | None,
        *,
        retry: RetryPolicy | None,
        multipart_threshold: int,
    ) -> None:
        self.config = config if config is not None else WcsConfig.load()
        self._retry = retry or RetryPolicy(max_retries=self.config.connection_retries)
        self._multipart_threshold = multipart_threshold
        self._calls = ManagementCalls.from_config(self.config)
        self._jobs = JobCalls.from_config(self.config)
        self._clients: dict[Host, wcs_client.Client] = {}

    def _client_options(self, host: Host) -> dict[str, Any]:
        """httpx client arguments for the upload (``put``) or management (``mgr``) host."""
        base_url = self.config.put_base_url if host == "put" else self.config.mgr_base_url
        auth = management_auth(self.config) if host == "mgr" else None
        return {
            "base_url": base_url,
            "auth": auth,
            **httpx_settings(self.config, base_url=base_url),
        }

    def _tokens_for(self, bucket: str, key: str) -> TokenSource:
        return upload_tokens(self.config, bucket, key)

    def _transfer_settings(self) -> TransferSettings:
        return TransferSettings.from_config(self.config, self._retry)

    def _goes_multipart(self, path: str | os.PathLike[str]) -> bool:
        file = Path(path)
        return file.is_file() and file.stat().st_size > self._multipart_threshold
