"""``put``, ``multiput``, ``get``: moving files, with a progress bar on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from ..errors import WcsInputError
from ..models import UploadResult
from ..transfer.local_names import name_from_url, path_inside
from ..transfer.progress import ProgressCallback
from ._context import CliState, Interrupted, as_json, emit_json, existing_files, pass_state
from ._output import human_size, transfer_bar
from ._urls import parse_target

__all__ = ["COMMANDS"]

_POLICY_OPTIONS = """\
Upload-policy settings from the config file apply, and can be given as options before or
after the command: --overwrite 0|1, --returnurl, --returnbody, --callbackurl,
--callbackbody, --persistentops, --persistentntyurl, --contentdetect, --detectntyurl,
--detectntyrule, --hashalgorithm, --deadline SECONDS (token lifetime), --traffic_limit N."""


@contextmanager
def _resumable(what: str, local: str = "") -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt:
        if local == "-":  # a stream cannot be read again: nothing to continue from
            raise Interrupted(
                "interrupted: nothing was stored; a stream cannot be continued, send it again"
            ) from None
        raise Interrupted(
            f"interrupted: run the same command again to continue the {what}"
        ) from None


def _target(target: str, local: str) -> tuple[str, str]:
    bucket, key = parse_target(target)
    if not key:
        if local == "-":
            raise WcsInputError("uploading stdin needs a key: wcs://BUCKET/KEY")
        key = Path(local).name
    return bucket, key


def _report(state: CliState, source: str, result: UploadResult) -> None:
    if state.json_output:
        emit_json(as_json(result) | {"source": source})
        return
    size = f"{human_size(result.size)}, " if result.size is not None else ""
    state.say(f"uploaded {source} to wcs://{result.bucket}/{result.key} ({size}hash {result.hash})")


def _upload(
    state: CliState, local: str, bucket: str, key: str, run: Callable[..., UploadResult]
) -> UploadResult:
    if local == "-":
        with transfer_bar(key, None, enabled=state.show_progress) as progress:
            return state.client().stream_upload(sys.stdin.buffer, bucket, key, progress=progress)
    [file] = existing_files((local,))
    with transfer_bar(file.name, file.stat().st_size, enabled=state.show_progress) as progress:
        return run(file, bucket, key, progress=progress)


@click.command("put", epilog=_POLICY_OPTIONS)
@click.argument("target", metavar="wcs://BUCKET[/KEY]")
@click.argument("local", metavar="FILE")
@pass_state
def put_command(state: CliState, target: str, local: str) -> None:
    """Upload FILE (or - for stdin); the key defaults to the file's name.

    Small files go in one request; larger ones as parallel blocks that a rerun of the
    same command resumes. The stored hash is checked against the file's etag.

    \b
    Examples:
      $ wcs-ext put wcs://photos/2026/cat.jpg cat.jpg --overwrite 1
      $ tar c logs | wcs-ext put wcs://backup/logs.tar -
    """
    bucket, key = _target(target, local)
    with _resumable("upload", local):
        result = _upload(state, local, bucket, key, state.client().upload_file)
    _report(state, local, result)


@click.command("multiput", epilog=_POLICY_OPTIONS)
@click.argument("target", metavar="wcs://BUCKET[/KEY]")
@click.argument("local", metavar="FILE")
@pass_state
def multiput_command(state: CliState, target: str, local: str) -> None:
    """Upload FILE in blocks (mkblk/bput/mkfile), several at a time, resumable.

    Progress is recorded after every acknowledged chunk: after a failure or Ctrl-C,
    the same command sends only what is missing. --upload-id ID names the upload
    (default: derived from the target and the file).

    \b
    Examples:
      $ wcs-ext multiput wcs://backup/disk.img disk.img
      $ wcs-ext multiput wcs://backup/disk.img disk.img --upload-id nightly-disk
    """
    bucket, key = _target(target, local)
    upload_id = state.config().upload_id or None
    wcs = state.client()

    def run(
        file: Path, bucket: str, key: str, *, progress: ProgressCallback | None
    ) -> UploadResult:
        return wcs.multipart_upload(file, bucket, key, upload_id=upload_id, progress=progress)

    with _resumable("upload", local):
        result = _upload(state, local, bucket, key, run)
    _report(state, local, result)


@click.command("get")
@click.argument("url", metavar="URL")
@click.argument("filename", required=False, type=click.Path(dir_okay=False, path_type=Path))
@pass_state
def get_command(state: CliState, url: str, filename: Path | None) -> None:
    """Download URL (a bucket's download address) to FILENAME (default: its name).

    The file appears only once complete and checked; an interrupted download is
    continued by running the same command again. Without FILENAME, the file is named
    after the last component of the URL's decoded path, made safe, in the current
    folder: never elsewhere. A second download to the same file while one runs fails.

    \b
    Example:
      $ wcs-ext get "https://photos.example.wcsapi.com/2026/cat.jpg" cat.jpg
    """
    if not url.startswith(("http://", "https://")):
        raise WcsInputError(f"URL must start with http:// or https://, got {url!r}")
    dest = filename or path_inside(".", name_from_url(url))
    with (
        transfer_bar(dest.name, None, enabled=state.show_progress) as progress,
        _resumable("download"),
    ):
        result = state.client().download(url, dest, progress=progress)
    if state.json_output:
        emit_json(as_json(result))
    else:
        resumed = (
            f", continued from {human_size(result.resumed_from)}" if result.resumed_from else ""
        )
        state.say(f"saved {result.path} ({human_size(result.size)}{resumed})")


COMMANDS = (put_command, multiput_command, get_command)
