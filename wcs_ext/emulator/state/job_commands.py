"""What the job worker does for each command of an ``/fmgr/*`` or ``/fops`` job.

fmgr commands are performed for real on the stored objects. ``/fops`` commands are
media processing (``avthumb``, ``vframe``, ...) that the emulator cannot do: each one
ends as a failed command saying so, never as a pretend success.
"""

from __future__ import annotations

import json
import posixpath
import shutil
import zipfile
from collections.abc import Callable, Mapping
from typing import IO, Final
from urllib.parse import unquote, urlparse

import attrs
import httpx

from ...protocol.encoding import urlsafe_b64decode, urlsafe_b64encode
from ...protocol.fmgr_ops import parse_op
from ...protocol.signing import sign
from ..errors import EmulatorError, bad_request
from ..outgoing import checked_url
from .blob_files import BlobStore, BlobWriter
from .job_queue import DONE, Item, JobRecord, status_json
from .object_keys import check_key, fetched_mime_type
from .object_store import ObjectStore

__all__ = ["FMGR_OPS", "Operations", "validate_fmgr_op"]

FMGR_OPS: Final = ("move", "copy", "fetch", "delete", "deletePrefix", "deletem3u8", "compress")
_REQUIRED: Final[Mapping[str, tuple[str, ...]]] = {
    "move": ("resource", "bucket"),
    "copy": ("resource", "bucket"),
    "fetch": ("fetchURL", "bucket"),
    "delete": ("bucket", "key"),
    "deletePrefix": ("bucket", "prefix"),
    "deletem3u8": ("bucket", "key"),
    "compress": ("bucket",),
}
_HTTP_TIMEOUT: Final = 30.0
_MAX_PLAYLIST: Final = 16 * 1024 * 1024
_COPY_CHUNK: Final = 1024 * 1024


def validate_fmgr_op(op: str, cmd: str) -> dict[str, str]:
    """Parse one command of an ``/fmgr/<op>`` body; a malformed one is a 400 at once."""
    try:
        params = parse_op(cmd)
    except (ValueError, UnicodeDecodeError):
        raise bad_request(f"malformed {op} operation: {cmd[:200]!r}") from None
    missing = [name for name in _REQUIRED[op] if name not in params]
    if op == "compress" and not ({"keys", "keyList", "fops"} & params.keys()):
        missing.append("keys, keyList or fops")
    if missing:
        raise bad_request(f"{op} operation lacks {', '.join(missing)}: {cmd[:200]!r}")
    if op == "compress":  # Base64 inside its values too: decoded now, to fail now
        _compress_keys(params)
        if "fops" in params:
            _fops_save_as(params["fops"])
    return params


def _b64_text(value: str, what: str) -> str:
    try:
        return urlsafe_b64decode(value).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise bad_request(f"{what} is not URL-safe Base64 of UTF-8 text: {value[:60]!r}") from None


def _compress_keys(params: Mapping[str, str]) -> list[str]:
    """compress ``keys/<b64(k1)|b64(k2)|...>``, decoded."""
    return [_b64_text(e, "a compress key") for e in filter(None, params.get("keys", "").split("|"))]


def _fops_save_as(fops: str) -> tuple[str, str | None]:
    """compress ``fops/<b64 "mkzip/N|saveas/<b64 entry>">``: the command and the entry."""
    command, _, rest = fops.partition("|")
    name, _, value = rest.partition("/")
    return command, (_b64_text(value, "compress saveas") if name == "saveas" and value else None)


@attrs.frozen
class _Member:
    """One file of a ZIP: its name in the archive and where its bytes come from."""

    name: str
    source: str
    is_url: bool = False


def _entry(text: str, what: str) -> tuple[str, str]:
    bucket, sep, key = text.partition(":")
    if not sep:
        raise bad_request(f"{what} must be 'bucket:key', got {text!r}")
    return bucket, check_key(key)


def _file_name(url: str) -> str:
    """The last segment of ``url``'s path, decoded ("" if none); checks the URL first."""
    return posixpath.basename(checked_url(url).path)


class Operations:
    def __init__(
        self,
        objects: ObjectStore,
        blobs: BlobStore,
        *,
        secret_of: Callable[[str], str | None],
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._objects = objects
        self._blobs = blobs
        self._secret_of = secret_of
        self._transport = transport

    def _http(self) -> httpx.Client:
        return httpx.Client(timeout=_HTTP_TIMEOUT, follow_redirects=True, transport=self._transport)

    def perform(self, job: JobRecord, item: Item) -> Item:
        if job.kind == "fops":
            name = item.cmd.split("|", 1)[0].split("/", 1)[0] or item.cmd
            return item.failed(f"not supported by the emulator: {name}")
        params = validate_fmgr_op(job.op, item.cmd)
        handlers: dict[str, Callable[[dict[str, str], Item, bool], Item]] = {
            "move": lambda p, i, f: self._transfer(p, i, move=True, force=f),
            "copy": lambda p, i, f: self._transfer(p, i, move=False, force=f),
            "fetch": self._fetch,
            "delete": self._delete,
            "deletePrefix": lambda p, i, f: self._delete_prefix(p, i),
            "deletem3u8": lambda p, i, f: self._delete_m3u8(p, i),
            "compress": self._compress,
        }
        return handlers[job.op](params, item, bool(job.force))

    # -- move, copy, fetch -----------------------------------------------------------

    def _transfer(self, params: dict[str, str], item: Item, *, move: bool, force: bool) -> Item:
        source = _entry(params["resource"], "resource")
        key = params.get("prefix", "") + params.get("key", source[1])
        record = self._objects.transfer(
            source, (params["bucket"], check_key(key)), move=move, force=force
        )
        return item.succeeded(key=record.key, hash=record.hash, fsize=record.size)

    def _download(self, url: str, writer: BlobWriter | IO[bytes]) -> str | None:
        """Stream ``url`` into ``writer``; returns the answer's Content-Type, if any."""
        target = checked_url(url)
        try:
            with self._http() as http, http.stream("GET", target) as response:
                if response.status_code != 200:
                    raise EmulatorError(502, f"fetching {url} answered HTTP {response.status_code}")
                for chunk in response.iter_bytes(_COPY_CHUNK):
                    writer.write(chunk)
                content_type: str | None = response.headers.get("content-type")
        except httpx.HTTPError as exc:
            detail = str(exc) or type(exc).__name__
            raise EmulatorError(502, f"fetching {url} failed: {detail}") from None
        return content_type

    def _fetch(self, params: dict[str, str], item: Item, force: bool) -> Item:
        url = params["fetchURL"]
        if params.get("decompression"):
            return item.failed("decompression is not supported by the emulator")
        if params.get("fetchTS") == "1":
            return item.failed("fetchTS (fetching a playlist's segments) is not supported")
        name = params.get("key") or _file_name(url)
        if not name:
            return item.failed(f"no key given and none can be taken from the URL {url}")
        key = check_key(params.get("prefix", "") + name)
        self._objects.require_bucket(params["bucket"])
        writer = self._blobs.writer(md5=True)
        try:
            mime = self._download(url, writer)
            expected = params.get("md5", "").lower()
            got = writer.md5_hex()
            if expected and got != expected:
                raise bad_request(f"md5 mismatch: expected {expected}, got {got}")
            record = self._objects.store(
                params["bucket"], key, writer, mime=fetched_mime_type(mime), overwrite=force
            )
        finally:
            writer.discard()
        return item.succeeded(key=record.key, hash=record.hash, fsize=record.size, url=url)

    # -- deletions -------------------------------------------------------------------

    def _delete(self, params: dict[str, str], item: Item, force: bool) -> Item:
        # The docs: deleting a missing key reports success.
        self._objects.delete(params["bucket"], check_key(params["key"]))
        return item.succeeded(key=params["key"])

    def _delete_prefix(self, params: dict[str, str], item: Item) -> Item:
        # The docs call the prefix an exact directory match: "a/b" means "a/b/...".
        prefix = params["prefix"] if params["prefix"].endswith("/") else params["prefix"] + "/"
        deleted = [
            key
            for key in self._objects.keys_under(params["bucket"], prefix)
            if self._objects.delete(params["bucket"], key) is not None
        ]
        if "output" in params:
            bucket, key = _entry(params["output"], "output")
            self._store_text(bucket, key, "".join(f"{k}\n" for k in deleted), force=True)
            return item.succeeded(key=key)
        return item.succeeded()

    def _delete_m3u8(self, params: dict[str, str], item: Item) -> Item:
        bucket, key = params["bucket"], check_key(params["key"])
        if params.get("deletets", "1") == "0":
            self._objects.require(bucket, key)
        else:
            _, file = self._objects.open_existing(bucket, key)
            with file:
                text = file.read(_MAX_PLAYLIST).decode("utf-8", "replace")
            for segment in self._segments(text, key):
                self._objects.delete(bucket, segment)
        self._objects.delete(bucket, key)
        return item.succeeded(key=key)

    @staticmethod
    def _segments(playlist: str, playlist_key: str) -> list[str]:
        """Keys of the segments a playlist names: relative URIs resolve against the
        playlist's directory, absolute ones (``/k`` or ``http://host/k``) name key ``k``."""
        keys = []
        for line in playlist.splitlines():
            uri = line.strip()
            if not uri or uri.startswith("#"):
                continue
            try:
                path = unquote(urlparse(uri).path)
            except ValueError:
                continue  # not a URI ("http://[" ...): it names no segment
            if "://" in uri or path.startswith("/"):
                key = path.lstrip("/")
            else:
                key = posixpath.normpath(posixpath.join(posixpath.dirname(playlist_key), path))
            if key and not key.startswith("../") and key != "..":
                keys.append(key)
        return keys

    # -- compress --------------------------------------------------------------------

    def _compress(self, params: dict[str, str], item: Item, force: bool) -> Item:
        bucket = params["bucket"]
        save_as = params.get("saveas")
        index_key = params.get("keyList")
        if "fops" in params:  # key/<index>/fops/<b64 "mkzip/N|saveas/<entry>">
            command, save_as = _fops_save_as(params["fops"])
            if not command.startswith("mkzip"):
                return item.failed(f"compress supports mkzip only, got {command!r}")
            if save_as is None:
                return item.failed("compress fops needs |saveas/<entry>")
            index_key = params.get("key")
        if not save_as:
            return item.failed("compress needs saveas")
        target = _entry(save_as, "saveas")
        members = [_Member(key, key) for key in _compress_keys(params)]
        if index_key:
            members += self._index(bucket, check_key(index_key))
        if not members:
            return item.failed("nothing to compress")
        scratch = self._blobs.writer()
        scratch.discard()  # only its unique path is wanted, for zipfile to seek in
        try:
            with zipfile.ZipFile(scratch.path, "w", zipfile.ZIP_DEFLATED) as archive:
                for member in members:
                    with archive.open(member.name, "w") as out:
                        self._copy_member(bucket, member, out)
            writer = self._blobs.writer()
            try:
                with scratch.path.open("rb") as file:
                    writer.copy_from(file, scratch.path.stat().st_size)
                record = self._objects.store(
                    *target, writer, mime="application/zip", overwrite=force
                )
            finally:
                writer.discard()
        finally:
            scratch.path.unlink(missing_ok=True)
        return item.succeeded(key=record.key, hash=record.hash, fsize=record.size)

    def _index(self, bucket: str, key: str) -> list[_Member]:
        """An index object: one key per line, or ``/url/<b64 url>[/alias/<b64 name>]``."""
        _, file = self._objects.open_existing(bucket, key)
        with file:
            text = file.read().decode("utf-8", "replace")
        members = []
        for line in filter(None, (raw.strip() for raw in text.splitlines())):
            if line.startswith("/url/"):
                fields = dict(zip(*[iter(line[1:].split("/"))] * 2, strict=False))
                url = _b64_text(fields.get("url", ""), f"{key}: a /url/ line's URL")
                alias = fields.get("alias")
                name = _b64_text(alias, f"{key}: an alias") if alias else _file_name(url)
                members.append(_Member(name or "file", url, is_url=True))
            else:
                members.append(_Member(line, line))
        return members

    def _copy_member(self, bucket: str, member: _Member, out: IO[bytes]) -> None:
        if member.is_url:
            self._download(member.source, out)
            return
        try:
            _, file = self._objects.open_existing(bucket, member.source)
        except EmulatorError as exc:
            raise EmulatorError(exc.status, f"{exc.message}: {member.source}") from None
        with file:
            shutil.copyfileobj(file, out, _COPY_CHUNK)

    def _store_text(self, bucket: str, key: str, text: str, *, force: bool) -> None:
        writer = self._blobs.writer()
        try:
            writer.write(text.encode("utf-8"))
            self._objects.store(bucket, key, writer, mime="text/plain", overwrite=force)
        finally:
            writer.discard()

    # -- notifications ---------------------------------------------------------------

    def notify(self, job: JobRecord) -> bool:
        """POST the finished job's status, Base64'd, to its notifyURL, signed as the docs
        describe (``AK:b64u(hex(HMAC-SHA1(SK, url + "\\n" + body)))``); True on a 200."""
        body = urlsafe_b64encode(json.dumps(status_json(attrs.evolve(job, state=DONE))))
        headers = {"Content-Type": "text/plain"}
        secret_key = self._secret_of(job.access_key)
        if secret_key is not None:
            signature = sign(secret_key, f"{job.notify_url}\n{body}".encode())
            headers["Authorization"] = f"{job.access_key}:{signature}"
        try:
            target = checked_url(job.notify_url)
            with self._http() as http:
                return http.post(target, content=body, headers=headers).status_code == 200
        except (EmulatorError, httpx.HTTPError):
            return False
