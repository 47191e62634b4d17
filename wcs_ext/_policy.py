"""The upload policy of a call: the configuration's, or one given for the call, with
the call's own options on top (scope, lifetime and the policy options)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from . import protocol, transfer
from ._settings_table import SETTINGS
from .auth import credentials_of
from .config import WcsConfig
from .errors import WcsInputError

if TYPE_CHECKING:
    # Names for annotations; at run time these modules load on first use
    # (``transfer.record.BlockState``): a program that never transfers skips them.
    from .protocol.signing import PutPolicy
    from .transfer.upload_plan import TokenSource

__all__ = ["policy_for_upload", "policy_from_config", "upload_tokens"]

# (config field, PutPolicy field) for the settings that go into every upload policy.
_POLICY_SETTINGS = tuple((s.field, s.policy) for s in SETTINGS if s.policy is not None)


def policy_from_config(
    config: WcsConfig,
    bucket: str,
    key: str | None,
    *,
    now: float | None = None,
    lifetime: int | None = None,
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
    return protocol.signing.PutPolicy.for_object(
        bucket, key, lifetime=lifetime or config.deadline, now=now, **options
    )


def policy_for_upload(
    config: WcsConfig,
    bucket: str,
    key: str,
    *,
    policy: PutPolicy | None = None,
    options: Mapping[str, object] | None = None,
    now: float | None = None,
) -> PutPolicy:
    """The policy one upload of ``bucket:key`` signs.

    Without ``policy``: the configuration's options, then ``options``. With it: that
    policy as given (the configuration's options do not apply; its deadline stands
    unless ``options`` gives a lifetime), then ``options``. Its scope must be the
    upload's bucket (then narrowed to ``bucket:key``) or ``bucket:key``.
    """
    options = options or {}
    changes = transfer.upload_options.policy_changes(options)
    lifetime = transfer.upload_options.lifetime_of(options)
    if policy is None:
        base = policy_from_config(config, bucket, key, now=now, lifetime=lifetime)
    else:
        if policy.scope not in (bucket, f"{bucket}:{key}"):
            raise WcsInputError(
                f"the policy's scope {policy.scope!r} is not this upload's "
                f"({bucket!r} or {bucket + ':' + key!r})"
            )
        # A bucket-wide policy is narrowed to the key: what is sent names no key of its
        # own, so the server takes it from the scope.
        base = attrs.evolve(policy, scope=f"{bucket}:{key}")
        if lifetime is not None:
            issued = int(time.time() if now is None else now)
            base = attrs.evolve(base, deadline=(issued + lifetime) * 1000)
    try:
        return attrs.evolve(base, **changes)
    except (TypeError, ValueError) as exc:
        raise WcsInputError(f"bad upload-policy option: {exc}") from None


def upload_tokens(
    config: WcsConfig,
    bucket: str,
    key: str,
    *,
    policy: PutPolicy | None = None,
    options: Mapping[str, object] | None = None,
) -> TokenSource:
    """Upload tokens for ``bucket:key``, made again before each one expires. The policy
    is checked here, so a bad option fails before anything is sent."""
    credentials = credentials_of(config)
    policy_for_upload(config, bucket, key, policy=policy, options=options)

    def make() -> tuple[str, int]:
        made = policy_for_upload(config, bucket, key, policy=policy, options=options)
        return protocol.signing.upload_token(credentials, made), made.deadline

    return transfer.upload_plan.TokenSource(make)
