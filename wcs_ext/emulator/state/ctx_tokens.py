"""The ctx tokens of multipart uploads: what one says, and its signing secret.

A ctx is ``b64u(payload || mac)`` with no padding (safe raw in a URL path and in the
comma-separated mkfile body). The payload holds the block id, its index, declared size,
the offset the ctx stands for and when the block was made; the MAC is an HMAC-SHA256
under a secret kept in the data directory, so a ctx cannot be forged or edited and
stays valid across restarts. Every ctx problem is HTTP 400 with WCS code 701, whose
cure is always the same: make the block again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
from typing import Final

import attrs

from ..errors import EmulatorError
from .database import Database

__all__ = ["CTX_ERROR_CODE", "Ctx", "CtxCodec", "ctx_error", "stored_ctx_secret"]

CTX_ERROR_CODE: Final = 701
_PAYLOAD = struct.Struct(">B16sIQQQ")  # version, block id, index, size, offset, created ms
_VERSION: Final = 1
_MAC_SIZE: Final = 16


def ctx_error(message: str) -> EmulatorError:
    return EmulatorError(400, f"{message}; make the block again with mkblk", code=CTX_ERROR_CODE)


def stored_ctx_secret(db: Database) -> bytes:
    """The data directory's ctx secret, made on first use."""
    with db.transaction() as conn:
        row = conn.execute("SELECT value FROM meta WHERE name = 'ctx_secret'").fetchone()
        if row is None:
            row = (secrets.token_hex(32),)
            conn.execute("INSERT INTO meta (name, value) VALUES ('ctx_secret', ?)", row)
    return bytes.fromhex(row[0])


@attrs.frozen
class Ctx:
    block_id: str
    index: int
    size: int
    offset: int
    created_ms: int


class CtxCodec:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()[:_MAC_SIZE]

    def encode(self, ctx: Ctx) -> str:
        payload = _PAYLOAD.pack(
            _VERSION, bytes.fromhex(ctx.block_id), ctx.index, ctx.size, ctx.offset, ctx.created_ms
        )
        token = base64.urlsafe_b64encode(payload + self._mac(payload))
        return token.rstrip(b"=").decode("ascii")

    def decode(self, text: str) -> Ctx:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            raise ctx_error("unknown ctx") from None
        payload, mac = raw[:-_MAC_SIZE], raw[-_MAC_SIZE:]
        if len(payload) != _PAYLOAD.size or not hmac.compare_digest(mac, self._mac(payload)):
            raise ctx_error("unknown ctx")
        version, block_id, index, size, offset, created_ms = _PAYLOAD.unpack(payload)
        if version != _VERSION:
            raise ctx_error("unknown ctx")
        return Ctx(block_id.hex(), index, size, offset, created_ms)
