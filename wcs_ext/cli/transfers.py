"""``put``, ``multiput``, ``get``: moving files, with a progress bar on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Unpack

import click

from ..errors import WcsInputError
from ..models import UploadResult
from ..transfer.local_names import name_from_url, path_inside, safe_name
from ..transfer.object_urls import object_url
from ..transfer.progress import ProgressCallback
from ..transfer.upload_options import UploadOptions
from ._content_type import CONTENT_TYPE_HELP, content_type_options
from ._context import CliState, Interrupted, as_json, emit_json, existing_files, pass_state
from ._output import human_size, transfer_bar
from ._tree import filter_options, jobs_option, path_filter, run_tree, split_sides
from ._urls import parse_object, parse_target

__all__ = ["COMMANDS"]

_POLICY_OPTIONS = """\
Upload-policy settings from the config file apply, and can be given as options before or
after the command: --overwrite 0|1, --returnurl, --returnbody, --callbackurl,
--callbackbody, --persistentops, --persistentntyurl, --contentdetect, --detectntyurl,
--detectntyrule, --hashalgorithm, --deadline SECONDS (token lifetime), --traffic_limit N."""
_UPLOAD_EPILOG = f"{_POLICY_OPTIONS}\n\n{CONTENT_TYPE_HELP}"


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
    """``run`` (or a stream upload, for ``-``) with the policy options of the command line."""
    options = state.upload_options()
    if local == "-":
        with transfer_bar(key, None, enabled=state.show_progress) as progress:
            return state.client().stream_upload(
                sys.stdin.buffer, bucket, key, progress=progress, **options
            )
    [file] = existing_files((local,))
    with transfer_bar(file.name, file.stat().st_size, enabled=state.show_progress) as progress:
        return run(file, bucket, key, progress=progress, **options)


def _recursive(
    state: CliState,
    first: str,
    second: str,
    filters: tuple[tuple[str, ...], tuple[str, ...], tuple[Path, ...]],
    jobs: int,
    *,
    upward: bool,
) -> None:
    """put -r / get -r: every file of a directory or a prefix, with sync's machinery."""
    from ..bulk.tree_sync import TreeOptions  # noqa: PLC0415  (only -r runs load it)

    local, remote, _ = split_sides(first, second)  # either order: the wcs:// one is remote
    options = TreeOptions(compare=False, jobs=jobs, filter=path_filter(*filters))
    command = "upload" if upward else "download"
    run_tree(
        state, local=local, remote=remote, upward=upward, options=options, use_cache=False,
        command=command,
    )  # fmt: skip


_RECURSIVE = click.option(
    "-r", "--recursive", is_flag=True, help="Every file of a directory (put) or a prefix (get)."
)


@click.command("put", epilog=_UPLOAD_EPILOG)
@click.argument("target", metavar="wcs://BUCKET[/KEY]")
@click.argument("local", metavar="FILE")
@_RECURSIVE
@filter_options
@jobs_option
@content_type_options
@pass_state
def put_command(
    state: CliState,
    target: str,
    local: str,
    recursive: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    exclude_from: tuple[Path, ...],
    jobs: int,
) -> None:
    """Upload FILE (or - for stdin); the key defaults to the file's name.

    Small files go in one request; larger ones as parallel blocks that a rerun of the
    same command resumes. The stored hash is checked against the file's etag.

    With -r, every file of a directory, --jobs at once, under the prefix (its path
    below the directory follows it), past any file's failure; DIR may come first.
    --include/--exclude apply to it; it overwrites only with --overwrite 1.

    \b
    Examples:
      $ wcs-ext put wcs://photos/2026/cat.jpg cat.jpg --overwrite 1
      $ tar c logs | wcs-ext put wcs://backup/logs.tar -
      $ wcs-ext put -r ./site wcs://www/site/ --exclude '*.tmp'
      $ wcs-ext put wcs://www/feed report.xml --content-type 'application/rss+xml'
    """
    if recursive:
        _recursive(state, target, local, (include, exclude, exclude_from), jobs, upward=True)
        return
    bucket, key = _target(target, local)
    with _resumable("upload", local):
        result = _upload(state, local, bucket, key, state.client().upload_file)
    _report(state, local, result)


@click.command("multiput", epilog=_UPLOAD_EPILOG)
@click.argument("target", metavar="wcs://BUCKET[/KEY]")
@click.argument("local", metavar="FILE")
@content_type_options
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
      $ wcs-ext multiput wcs://media/talk video.bin --content-type video/mp4
    """
    bucket, key = _target(target, local)
    upload_id = state.config().upload_id or None
    wcs = state.client()

    def run(
        file: Path,
        bucket: str,
        key: str,
        *,
        progress: ProgressCallback | None,
        **options: Unpack[UploadOptions],
    ) -> UploadResult:
        return wcs.multipart_upload(
            file, bucket, key, upload_id=upload_id, progress=progress, **options
        )

    with _resumable("upload", local):
        result = _upload(state, local, bucket, key, run)
    _report(state, local, result)


def _source(state: CliState, source: str, filename: Path | None) -> tuple[str, Path]:
    """The URL to fetch and the file to save it to: FILENAME, else the last component
    of the key (wcs://BUCKET/KEY) or of the URL's path, made safe, in this folder."""
    if source.startswith("wcs://"):
        bucket, key = parse_object(source)
        url = object_url(state.config(), bucket, key)
        if filename is not None:
            return url, filename
        try:
            return url, path_inside(".", safe_name(key.rpartition("/")[2]))
        except WcsInputError:
            raise WcsInputError(f"cannot name a file after {source!r}: give FILENAME") from None
    if not source.startswith(("http://", "https://")):
        raise WcsInputError(
            f"expected a URL (http:// or https://) or wcs://BUCKET/KEY, got {source!r}"
        )
    return source, filename or path_inside(".", name_from_url(source))


@click.command("get")
@click.argument("url", metavar="URL|wcs://BUCKET/KEY")
@click.argument("filename", required=False, type=click.Path(path_type=Path))
@_RECURSIVE
@filter_options
@jobs_option
@pass_state
def get_command(
    state: CliState,
    url: str,
    filename: Path | None,
    recursive: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    exclude_from: tuple[Path, ...],
    jobs: int,
) -> None:
    """Download URL (a bucket's download address), or wcs://BUCKET/KEY from the
    download_url setting, to FILENAME (default: its name).

    The file appears only once complete and checked; an interrupted download is
    continued by running the same command again. Without FILENAME, the file is named
    after the last component of the URL's decoded path (or of the key), made safe, in
    the current folder: never elsewhere. A second download to the same file while one
    runs fails. download_url is the bucket's download domain; {bucket} in it stands
    for the bucket (e.g. https://{bucket}.example.com).

    With -r, every object under wcs://BUCKET/PREFIX/ into the directory FILENAME
    (default: the current one), --jobs at once: keys become paths component by
    component, made safe; a key with an empty, '.' or '..' component is left out.

    \b
    Examples:
      $ wcs-ext get "https://photos.example.wcsapi.com/2026/cat.jpg" cat.jpg
      $ wcs-ext --download-url "https://{bucket}.example.com" get wcs://photos/2026/cat.jpg
      $ wcs-ext get -r wcs://photos/2026/ ./photos-2026
    """
    if recursive:
        into = str(filename) if filename is not None else "."
        _recursive(state, url, into, (include, exclude, exclude_from), jobs, upward=False)
        return
    if filename is not None and filename.is_dir():
        raise WcsInputError(f"FILENAME is a directory: {filename} (give the file's path)")
    url, dest = _source(state, url, filename)
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
