"""The upload policy a configuration asks for (scope, lifetime and the policy options)."""

from __future__ import annotations

from typing import Any

from ._settings_table import SETTINGS
from .auth import credentials_of
from .config import WcsConfig
from .protocol.signing import PutPolicy, upload_token
from .transfer.upload_plan import TokenSource

__all__ = ["policy_from_config", "upload_tokens"]

# (config field, PutPolicy field) for the settings that go into every upload policy.
_POLICY_SETTINGS = tuple((s.field, s.policy) for s in SETTINGS if s.policy is not None)


def policy_from_config(
    config: WcsConfig,
    bucket: str,
    key: str | None,
    *,
    now: float | None = None,
    **overrides: Any,
) -> PutPolicy:
    """A policy for ``bucket:key`` with the configured options; ``overrides`` win.

    Empty options are left out, so ``overwrite`` is sent only when it is 1: the
    original sent ``"overwrite": 0`` whenever the file merely mentioned it.
    """
    options: dict[str, Any] = {
        policy: value for field, policy in _POLICY_SETTINGS if (value := getattr(config, field))
    }
    options.update({name: value for name, value in overrides.items() if value is not None})
    return PutPolicy.for_object(bucket, key, lifetime=config.deadline, now=now, **options)


def upload_tokens(config: WcsConfig, bucket: str, key: str) -> TokenSource:
    """Upload tokens for ``bucket:key``, made again before each one expires."""
    credentials = credentials_of(config)

    def make() -> tuple[str, int]:
        policy = policy_from_config(config, bucket, key)
        return upload_token(credentials, policy), policy.deadline

    return TokenSource(make)
