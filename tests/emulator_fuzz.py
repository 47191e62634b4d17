"""Seeded random requests for ``test_emulator_fuzz``: mostly wrong, some right.

:class:`Fuzzer` draws every choice from one ``random.Random``, so a seed gives the same
requests in the same order. A request takes a real route of the emulator (or, now and
then, a path no route has), a method it allows (or not), path segments, query and form
fields and credentials from ``emulator_fuzz_values``; some requests are nearly sound
(they reach deeper code), some all noise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

import attrs

from .emulator_fuzz_values import Target, Values

__all__ = ["FuzzRequest", "Fuzzer", "Target"]

UPLOAD_PATHS: Final = frozenset({"/file/upload", "/mkblk", "/bput", "/mkfile"})
FORM_FIELDS: Final = (
    "bucket", "key", "deadline", "fops", "notifyURL", "separate", "force", "image", "type",
    "relevance", "prefix", "x",
)  # fmt: skip
QUERY_FIELDS: Final = (
    "bucket", "limit", "marker", "prefix", "mode", "startTime", "endTime", "name", "startdate",
    "enddate", "isListDetails", "storageType", "type", "persistentId", "channelname", "start",
)  # fmt: skip
# The fields each management route reads: a sound request names them.
ROUTE_FIELDS: Final = {
    "/list": ("bucket", "limit", "prefix", "marker", "mode", "startTime", "endTime"),
    "/bucket/stat": ("name", "startdate", "enddate", "isListDetails", "storageType"),
    "/bucket/statistics": ("name", "type", "startdate", "enddate"),
    "/wslive/list": ("channelname", "startTime", "endTime", "bucket", "start", "limit"),
    "/fmgr/status": ("persistentId",),
    "/status/get/prefop": ("persistentId",),
    "/setdeadline": ("bucket", "key", "deadline"),
    "/fops": ("bucket", "key", "fops", "notifyURL", "force", "separate"),
    "/imageDetect": ("image", "type", "bucket"),
}
# Where ``bucket`` travels Base64'd rather than raw.
B64_BUCKET_ROUTES: Final = frozenset({"/setdeadline", "/fops"})
METHODS: Final = ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS")


@attrs.frozen
class FuzzRequest:
    """One request as made: ``target`` is its path and query, not yet percent-encoded."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    def describe(self) -> str:
        headers = {k: (v if len(v) < 120 else f"{v[:117]}...") for k, v in self.headers.items()}
        return f"{self.method} {self.target[:300]} {headers} body={self.body[:100]!r}"


class Fuzzer(Values):
    """Makes whole requests (:meth:`request`) out of :class:`Values`."""

    # -- requests -------------------------------------------------------------------------

    def segment(self, name: str) -> str:
        makers: dict[str, Callable[[], str]] = {
            "size": self.number,
            "index": self.number,
            "offset": lambda: self.pick("3", "4") if self.clean() else self.number(),
            "entry": self.entry,
            "source": self.entry,
            "target": self.entry,
            "ctx": self.ctx,
            "bucket": self.bucket,
            "key": lambda: self.key() or "k",
            "rest": self.mkfile_rest,
        }
        return makers.get(name, self.text)()

    def mkfile_rest(self) -> str:
        return self.pick(
            "",
            f"/key/{self.b64(self.key())}",
            "/key",
            f"/mimeType/{self.b64('text/x')}",
            f"/x:a/{self.b64(self.text())}",
            "/key/!!!/x",
        )

    def path(self, template: str) -> str:
        out, rest = "", template
        while "{" in rest:
            before, _, after = rest.partition("{")
            spec, _, rest = after.partition("}")
            out += before + self.segment(spec.split(":")[0])
        return out + rest

    def form(self, template: str, names: Sequence[str]) -> str:
        fields = [
            f"bucket={self.b64(self.bucket())}"
            if name == "bucket" and template in B64_BUCKET_ROUTES
            else f"{name}={self.value(name)}"
            for name in names
        ]
        if self.chance(0.1):
            fields.append(f"{self.text()}={self.text()}")
        return "&".join(fields)

    def multipart(self, headers: dict[str, str]) -> bytes:
        boundary = "fuzzboundary" + str(self.rng.randrange(1000))
        headers["Content-Type"] = self.pick(
            f"multipart/form-data; boundary={boundary}",
            "multipart/form-data"
            if not self.clean()
            else f"multipart/form-data; boundary={boundary}",
            "text/plain" if not self.clean() else f"multipart/form-data; boundary={boundary}",
            "multipart/form-data; boundary=",
        )
        parts: list[tuple[str, str | None, bytes]] = []
        token = self.upload_token()
        if token is not None and self.chance(0.9):
            parts.append(("token", None, token.encode()))
        for _ in range(self.rng.randrange(3)):
            name = self.pick("key", "deadline", "mimeType", "x:a", "x:", "file2", "token")
            value = self.pick(self.number(), self.text(), "\u00e9")
            parts.append((name, None, value.encode("utf-8", "surrogatepass")))
        if self.chance(0.9):
            data = self.rng.randbytes(self.rng.randrange(0, 3000))
            parts.append(("file", self.pick("f.txt", "%E4%B8%AD.png", '"q"', ""), data))
        if self.chance(0.05):
            parts.append(("file", "again.bin", b"second"))
        if self.chance(0.03):
            parts.append(("big", None, b"v" * 70_000))
        body = b""
        for name, filename, data in parts:
            disposition = f'form-data; name="{name}"'
            if filename is not None:
                disposition += f'; filename="{filename}"'
            body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
            body += data + b"\r\n"
        if not self.chance(0.05):
            body += f"--{boundary}--\r\n".encode()
        if self.chance(0.03):
            body = body[: self.rng.randrange(len(body) + 1)]
        if self.chance(0.02):
            body += b"\xff\xfe garbage"
        return body

    def request(self) -> FuzzRequest:
        # Some requests are all noise, some nearly sound: those reach deeper code.
        self.noise = self.pick(0.0, 0.05, 0.3, 1.0, 1.0)
        if self.chance(0.04):
            path = self.pick("/mkblk", "/mkblk/1", "/list/x", "/%00", "/dl/", "//list", "/bput/x")
            return FuzzRequest(self.pick(*METHODS), str(path), {}, b"")
        template, methods = self.rng.choice(list(self.t.routes))
        method = self.pick(*sorted(methods)) if self.chance(0.9) else self.pick(*METHODS)
        target = self.path(template)
        headers: dict[str, str] = {}
        body = b""
        first = "/" + template.split("/")[1]
        if first in UPLOAD_PATHS:
            if template == "/file/upload":
                body = self.multipart(headers)
            elif template.startswith("/mkfile"):
                count = self.rng.randrange(0, 4)
                body = ",".join(self.ctx() for _ in range(count)).encode()
            else:
                body = self.rng.randbytes(self.rng.randrange(0, 5000))
            token = self.upload_token()
            if token is not None and (template != "/file/upload" or self.chance(0.2)):
                headers["Authorization"] = token
            if self.chance(0.2):
                headers["Key"] = self.b64(self.key())
            if self.chance(0.2):
                headers["uploadBatch"] = self.text().strip()
        elif first == "/dl":
            if self.chance(0.5):
                headers["Range"] = str(
                    self.pick(f"bytes={self.number()}-{self.number()}", f"bytes=-{self.number()}",
                              "bytes=0-0,2-3,1-5", "bytes=" + ",".join(["0-1"] * 150), "lines=1-2",
                              "bytes=", "bytes=5-1", "bytes=-")
                )  # fmt: skip
            if self.chance(0.1):
                headers["If-Range"] = str(
                    self.pick('"x"', 'W/"x"', "Thu, 01 Jan 1970 00:00:00 GMT")
                )
        else:
            pool = QUERY_FIELDS if method in ("GET", "HEAD") else FORM_FIELDS
            names = self.rng.sample(pool, self.rng.randrange(0, 6))
            if self.clean():
                names = list(ROUTE_FIELDS.get(template, ("fops",) if first == "/fmgr" else ()))
            if method in ("GET", "HEAD"):
                if names:
                    target += "?" + self.form(template, names)
            else:
                body = self.form(template, names).encode("utf-8", "surrogatepass")
                if self.chance(0.03):
                    body = self.pick(b"\xff\xfe", b"a" * (1024 * 1024 + 10), b"%ZZ=%")
            signed = template not in ("/fmgr/status", "/status/get/prefop")
            auth = self.management_auth(target, body) if signed or self.chance(0.2) else None
            if auth is not None:
                headers["Authorization"] = auth
        if self.chance(0.05):
            headers["Content-Type"] = self.pick("application/json", "text/plain; charset=x", "")
        return FuzzRequest(method, target, headers, body)
