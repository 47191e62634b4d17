"""The values of ``test_emulator_fuzz``'s requests: numbers, texts, keys, Base64,
entries, ctxs, URLs, fmgr commands and credentials, each drawn sound or broken.

:class:`Values` draws every choice from one ``random.Random``, so a seed gives the same
values in the same order. ``noise`` (set per request) is how often a value is a broken
one: numbers huge, negative or not digits; Base64 broken, unpadded or of bytes that are
not UTF-8; keys the rules forbid; tokens forged, expired, of another key pair or absent.

Every URL it makes (callbacks, notifications, fetches) points at 127.0.0.1: the
emulator must never be led to reach further.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar

import attrs

from wcs_ext.protocol.encoding import urlsafe_b64encode
from wcs_ext.protocol.signing import Credentials, PutPolicy, management_token, sign, upload_token

__all__ = ["Target", "Values"]

T = TypeVar("T")

NUMBERS: Final = (
    0, 1, 3, 4, 2**22, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**53 + 1, 2**63 - 1, 2**63,
    2**64, 2**70, 10**30, -1, -2, -(2**63), -(2**70),
)  # fmt: skip
NUMBER_TEXTS: Final = (
    "", "-", "--1", "+1", "-0", " 4", "4 ", "1_000", "0x10", "1e3", "4.0", "abc", "\u0664",
    "\uff14", "9" * 40, "9" * 5000, "0" * 30 + "4", "NaN", "inf", "%20", "%00",
)  # fmt: skip
TEXTS: Final = (
    "", "a", "k", "e2e", "fuzz", "..", ".", "/", "a/../b", "a/./b", "%", "%2F", "a+b", "a b",
    "&", "=", "?", "#", ":", "\u4e2d\u6587", "\U0001f600", "'\"<>", "\\", "x" * 1001,
    "y" * 3000, "$(", "$(key)", "$(x:a)", "$(nope)",
)  # fmt: skip
URLS: Final = (
    "http://127.0.0.1:9/closed",
    "http://127.0.0.1:9/cb?a=1&b=$(key)",
    "ftp://127.0.0.1/x",
    "file:///nowhere",
    "not a url",
    "http://",
    "http://[::1",
    "http://127.0.0.1:70000/x",
    "http://127.0.0.1:9/\r\nX: y",
    "http://127.0.0.1:9/\u4e2d\x00",
    "",
)
DATES: Final = (
    "2026-01-01", "2026-02-30", "2026-13-01", "0001-01-01", "9999-12-31", "1970-01-01",
    "2026-1-1", "today", "", "2026-01-01T00:00:00",
)  # fmt: skip
FMGR_NAMES: Final = (
    "resource", "bucket", "key", "prefix", "fetchURL", "md5", "decompression", "fetchTS",
    "output", "deletets", "keys", "keyList", "saveas", "fops",
)  # fmt: skip


@attrs.frozen
class Target:
    """What the fuzzed emulator holds: its routes, keys and some real ctxs."""

    routes: Sequence[tuple[str, frozenset[str]]]
    credentials: Credentials
    buckets: Sequence[str]
    keys: Sequence[str]
    ctxs: Sequence[str]
    own_url: str


class Values:
    """Draws the values of requests; :class:`emulator_fuzz.Fuzzer` makes the requests."""

    def __init__(self, rng: random.Random, target: Target) -> None:
        self.rng = rng
        self.t = target
        self.noise = 1.0
        self.job_ids: list[str] = []

    def learn(self, answer: object) -> None:
        """Keep the ``persistentId`` of an answer, for later status polls to ask about."""
        if isinstance(answer, dict) and isinstance(answer.get("persistentId"), str):
            self.job_ids = [*self.job_ids[-50:], answer["persistentId"]]

    def clean(self) -> bool:
        """Whether this value is to be a sound one (how often: this request's noise)."""
        return self.rng.random() >= self.noise

    def pick(self, *options: T) -> T:
        return self.rng.choice(options)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    # -- values -------------------------------------------------------------------------

    def number(self) -> str:
        if self.clean():
            return str(self.rng.randrange(0, 2000))
        roll = self.rng.random()
        if roll < 0.4:
            return str(self.rng.randrange(0, 5 * 2**20))
        if roll < 0.7:
            return str(self.pick(*NUMBERS))
        return str(self.pick(*NUMBER_TEXTS))

    def text(self) -> str:
        if self.clean():
            return f"fz/{self.rng.randrange(50)}.txt"
        if self.chance(0.2):
            return "".join(self.rng.choice("ab/._-:%+ =&?\u00e9") for _ in range(8))
        return str(self.pick(*TEXTS))

    def bucket(self) -> str:
        if self.clean():
            return self.pick(*self.t.buckets)
        return str(self.pick(*self.t.buckets, "nosuch", "", "a:b", "B" * 100))

    def key(self) -> str:
        return self.pick(*self.t.keys) if self.chance(0.5) else self.text()

    def b64(self, text: str) -> str:
        roll = self.rng.random()
        encoded = urlsafe_b64encode(text)
        if roll < 0.6 or self.clean():
            return encoded
        if roll < 0.7:
            return encoded.rstrip("=")
        if roll < 0.8:
            return urlsafe_b64encode(self.rng.randbytes(self.rng.randrange(1, 12)))
        if roll < 0.85:
            return "".join(self.rng.choice("A-_=") for _ in range(self.rng.randrange(1, 9)))
        broken = list(encoded or "A")
        broken[self.rng.randrange(len(broken))] = self.pick("!", "+", "/", "%", "*", "=")
        return "".join(broken)

    def entry(self) -> str:
        roll = self.rng.random()
        if roll < 0.6 or self.clean():
            return self.b64(f"{self.bucket()}:{self.key()}")
        if roll < 0.7:
            return self.b64(self.bucket())
        return self.pick("%%%", "YWJj!", "a", "====", "", "..", self.b64(self.text()))

    def ctx(self) -> str:
        real = self.pick(*self.t.ctxs)
        roll = self.rng.random()
        if roll < 0.5 or self.clean():
            return str(real)
        if roll < 0.7:
            at = self.rng.randrange(len(real))
            return f"{real[:at]}{'A' if real[at] != 'A' else 'B'}{real[at + 1 :]}"
        return self.pick(self.b64(self.text()), "x", real + "AAAA", real[:-4], "%2F")

    def url(self) -> str:
        return str(self.pick(*URLS, f"{self.t.own_url}/dl/{self.bucket()}/{self.key()}"))

    def value(self, name: str) -> str:
        """A value for a query or form field ``name``: mostly of its kind, sometimes not."""
        if not self.clean() and self.chance(0.15):
            return self.pick(self.number(), self.text(), self.b64(self.text()))
        kinds: dict[str, Callable[[], str]] = {
            "bucket": self.bucket,
            "name": lambda: self.b64("|".join(self.bucket() for _ in range(self.rng.randrange(3)))),
            "key": lambda: self.b64(self.key()),
            "prefix": lambda: self.b64(self.text()),
            "marker": lambda: self.b64(self.key()),
            "image": lambda: self.b64(self.url()),
            "notifyURL": lambda: self.b64(self.url()),
            "fops": self.fops,
            "startdate": lambda: self.pick(*DATES) if not self.clean() else "2026-01-01",
            "enddate": lambda: self.pick(*DATES) if not self.clean() else "2026-03-01",
            "mode": lambda: self.pick("0", "1", "") if self.clean() else self.pick("2", "-1", "01"),
            "separate": lambda: str(self.pick("0", "1", "2", "")),
            "force": lambda: str(self.pick("0", "1", "2", "")),
            "isListDetails": lambda: str(self.pick("true", "false", "")),
            "storageType": lambda: str(self.pick("Standard", "Archive", "0", "x")),
            "type": lambda: self.pick("uploadRequest", "downloadTraffic", "porn", "", "nope"),
            "persistentId": self.job_id,
        }
        return kinds.get(name, self.number)()

    def job_id(self) -> str:
        if self.job_ids and self.clean():
            return self.pick(*self.job_ids)
        return self.pick("nope", "", "1" * 40, "%00")

    def fmgr_op(self) -> str:
        pairs = []
        for _ in range(self.rng.randrange(1, 6)):
            name = self.pick(*FMGR_NAMES, "x")
            plain = {"md5": "0" * 32, "fetchTS": "1", "deletets": "0", "decompression": "zip"}
            values: dict[str, Callable[[], str]] = {
                "resource": self.entry,
                "output": lambda: self.b64(f"{self.bucket()}:{self.key()}"),
                "saveas": lambda: self.b64(f"{self.bucket()}:{self.key()}"),
                "fetchURL": lambda: self.b64(self.url()),
                "keys": lambda: "|".join(self.b64(self.key()) for _ in range(2)),
                "fops": lambda: self.b64(f"mkzip/2|saveas/{self.b64(f'e2e:{self.key()}')}"),
            }
            value = plain[name] if name in plain and self.chance(0.7) else None
            if value is None:
                value = values.get(name, lambda: self.b64(self.key()))()
            pairs.append(f"{name}/{value}")
        if self.chance(0.1):
            pairs.append("odd")
        return "/".join(pairs)

    def fops(self) -> str:
        commands = [self.fmgr_op() for _ in range(self.rng.randrange(1, 3))]
        if self.chance(0.3):  # a /fops job's commands, Base64'd
            return self.b64(self.pick("avthumb/mp4", "vframe/jpg/offset/1", ";", ""))
        return ";".join(commands)

    # -- credentials ----------------------------------------------------------------------

    def policy_json(self) -> str:
        scope = self.pick(
            f"{self.bucket()}:{self.key()}",
            self.bucket(),
            f"{self.t.buckets[0]}:",
            f"{self.t.buckets[0]}:\ud800",
            7,
            None,
        )
        deadline = self.pick(
            int(time.time() * 1000) + 600_000,
            int(time.time() * 1000) - 1000,
            2**70,
            -1,
            "7200",
            1.5,
            True,
        )
        policy: dict[str, Any] = {"scope": scope, "deadline": deadline}
        extras: dict[str, Callable[[], object]] = {
            "overwrite": lambda: self.pick(0, 1, 2**70, "1"),
            "fsizeLimit": lambda: self.pick(0, 3, -1, 2**70),
            "returnBody": lambda: self.pick("$(x:a)", '{"a": $(fsize)}', "$(", "k=$(etag)"),
            "saveKey": lambda: self.pick("$(year)/$(etag)$(ext)", "$(nope)", "", "../x"),
            "returnUrl": lambda: self.pick("http://127.0.0.1:9/r", "\r\nX: y", "\u4e2d\x00"),
            "callbackUrl": self.url,
            "callbackBody": lambda: self.pick("k=$(key)", '{"k": "$(key)"}', ""),
            "persistentOps": lambda: self.pick("avthumb/mp4", ";;", "vframe/jpg"),
            "persistentNotifyUrl": self.url,
        }
        for name, make in extras.items():
            if self.chance(0.12):
                policy[name] = make()
        if self.chance(0.05):
            return self.pick("not json", "[]", "null", '{"scope": "e2e:k"}')
        return json.dumps(policy)

    def upload_token(self) -> str | None:
        creds = self.t.credentials
        roll = self.rng.random()
        if self.clean():
            policy = PutPolicy.for_object(
                self.t.buckets[0], self.key(), lifetime=600, overwrite=self.pick(0, 1)
            )
            return upload_token(creds, policy)
        if roll < 0.5:  # right keys, some policy (often a sound one)
            if self.chance(0.5):
                key = self.key()
                return upload_token(
                    creds, PutPolicy.for_object(self.t.buckets[0], key, lifetime=600)
                )
            encoded = urlsafe_b64encode(self.policy_json())
            return f"{creds.access_key}:{sign(creds.secret_key, encoded.encode())}:{encoded}"
        if roll < 0.6:
            other = Credentials(access_key=creds.access_key, secret_key="wrong-secret")
            return upload_token(other, PutPolicy.for_object(self.t.buckets[0], "k", lifetime=600))
        if roll < 0.7:
            other = Credentials(access_key="stranger", secret_key=creds.secret_key)
            return upload_token(other, PutPolicy.for_object(self.t.buckets[0], "k", lifetime=600))
        if roll < 0.8:
            return None
        return str(self.pick("", ":", "a:b", "::", "a:b:c", f"{creds.access_key}:x:y", "\u00e9"))

    def management_auth(self, target: str, body: bytes) -> str | None:
        creds = self.t.credentials
        roll = self.rng.random()
        if roll < 0.6 or self.clean():
            return management_token(creds, target, body)
        if roll < 0.7:
            return management_token(
                Credentials(access_key=creds.access_key, secret_key="x"), target, body
            )
        if roll < 0.75:
            return management_token(
                Credentials(access_key="stranger", secret_key=creds.secret_key), target, body
            )
        if roll < 0.8:
            return management_token(creds, target, body + b"&tampered=1")
        if roll < 0.9:
            return None
        return str(self.pick("", ":", "nocolon", f"{creds.access_key}:", "a:b:c"))
