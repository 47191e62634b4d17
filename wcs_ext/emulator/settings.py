"""What one emulator instance is started with; plain values, no I/O."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Final

import attrs

from .faults import DOWNLOAD_KINDS, UPLOAD_KINDS, FaultKind
from .live_recordings import LiveRecordings

__all__ = [
    "DEFAULT_BUCKET",
    "DEFAULT_CTX_TTL",
    "DEMO_ACCESS_KEY",
    "DEMO_SECRET_KEY",
    "EmulatorSettings",
    "check_bucket_name",
]

# Fixed keys so `wcs-ext emulator` works with no setup. They protect nothing: the
# emulator is a local test server and must never be exposed or fed real keys' data.
DEMO_ACCESS_KEY: Final = "wcs-emulator-demo-ak"
DEMO_SECRET_KEY: Final = "wcs-emulator-demo-sk-local-only"  # noqa: S105
DEFAULT_BUCKET: Final = "demo"
DEFAULT_CTX_TTL: Final = 30 * 24 * 3600.0
"""Seconds a multipart block stays usable; the docs say un-merged blocks go "roughly monthly"."""

_BUCKET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")


def check_bucket_name(name: str) -> str:
    """Bucket names travel raw in queries and inside ``bucket:key`` entries: keep them plain."""
    if not _BUCKET_NAME.fullmatch(name):
        raise ValueError(
            f"bad bucket name {name!r}: use 1-63 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def _buckets(value: tuple[str, ...]) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(check_bucket_name(n) for n in value))
    return names or (DEFAULT_BUCKET,)


def _credentials(value: Mapping[str, str]) -> Mapping[str, str]:
    if not value:
        raise ValueError("at least one access key / secret key pair is needed")
    for access_key, secret_key in value.items():
        if not access_key or not secret_key:
            raise ValueError("access keys and secret keys must not be empty")
    return MappingProxyType(dict(value))


def _fault_kinds(value: Collection[FaultKind | str]) -> tuple[FaultKind, ...]:
    """Fault kinds by value (``error-503``); unknown names are an error that lists them."""
    kinds: list[FaultKind] = []
    for item in value:
        try:
            kind = FaultKind(item)
        except ValueError:
            known = ", ".join(k.value for k in FaultKind)
            raise ValueError(f"unknown fault kind {item!r}: use one of {known}") from None
        if kind not in kinds:
            kinds.append(kind)
    return tuple(kinds)


@attrs.frozen(kw_only=True)
class EmulatorSettings:
    """Settings of one emulator; ``credentials`` maps access key -> secret key."""

    data_dir: Path = attrs.field(converter=Path)
    credentials: Mapping[str, str] = attrs.field(converter=_credentials, repr=False)
    buckets: tuple[str, ...] = attrs.field(default=(DEFAULT_BUCKET,), converter=_buckets)
    host: str = "127.0.0.1"
    port: int = attrs.field(
        default=0,
        validator=attrs.validators.and_(attrs.validators.ge(0), attrs.validators.le(65535)),
    )
    fault_rate: float = attrs.field(
        default=0.0,
        validator=attrs.validators.and_(attrs.validators.ge(0.0), attrs.validators.le(1.0)),
    )
    fault_seed: int = 0
    fault_kinds: tuple[FaultKind, ...] = attrs.field(default=(), converter=_fault_kinds)
    """The kinds drawn; empty: all of each class."""
    fault_downloads: bool = False
    """Whether downloads get faults too (they never do otherwise)."""
    ctx_ttl: float = attrs.field(default=DEFAULT_CTX_TTL, validator=attrs.validators.gt(0.0))
    request_log: Path | None = None
    """Where each request gets its JSON line (``traffic``); None: no log."""
    live_recordings: LiveRecordings = attrs.field(factory=LiveRecordings)
    """What ``/wslive/list`` answers (``live_recordings``); by default nothing."""

    def __attrs_post_init__(self) -> None:
        if not self.fault_kinds:
            return
        drawn = set(UPLOAD_KINDS) | (set(DOWNLOAD_KINDS) if self.fault_downloads else set())
        idle = [kind.value for kind in self.fault_kinds if kind not in drawn]
        if idle:
            raise ValueError(
                f"fault kinds {', '.join(idle)} apply to downloads only: add --fault-downloads"
            )

    @property
    def sweep_interval(self) -> float:
        """How often expired objects and blocks are purged (they are hidden at once anyway)."""
        return min(5.0, max(0.2, self.ctx_ttl / 4))
