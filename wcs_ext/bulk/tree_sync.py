"""A directory and a prefix: sync either way, or copy every file (recursive put/get).

:func:`prepare_upload` and :func:`prepare_download` look at both sides (a walk of the
local directory, one paginated listing of the prefix), decide (``sync_plan``) and check
the plan against ``max_delete`` before anything is done; the :class:`Prepared` they
return runs it (``tree_run``, ``batch_run``) or, for ``--dry-run``, is only shown.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ..errors import WcsInputError
from ..protocol.fmgr_ops import delete_op
from ..transfer.upload_options import UploadOptions
from .batch_run import BatchOp, run_batch
from .etag_cache import EtagCache
from .filters import PathFilter
from .keys import is_folder_marker, local_rel, rel_of
from .local_tree import LocalTree, scan
from .sync_plan import Plan, check_delete_limit, plan_copy, plan_sync
from .tree_run import RemoteFile, Report, delete_local, download_files, upload_files

if TYPE_CHECKING:
    from ..client import Wcs

__all__ = ["Prepared", "TreeOptions", "prepare_download", "prepare_upload"]

Warn = Callable[[str], None]


@attrs.frozen(kw_only=True)
class TreeOptions:
    compare: bool = True
    """Sync: send only what differs. False: every file (recursive put and get)."""
    delete: bool = False
    max_delete: int | None = None
    jobs: int = 8
    filter: PathFilter = attrs.field(factory=PathFilter)
    upload: UploadOptions = attrs.field(factory=UploadOptions)
    """The policy options of every upload (a sync adds ``overwrite=1``: it replaces
    what changed)."""


@attrs.frozen(kw_only=True)
class Prepared:
    """A decided run: its plan, the bytes it sends, and how to do it."""

    plan: Plan
    send_bytes: int
    ignored: int
    """Entries left alone with a warning (links, unreadable files, unsafe keys)."""
    compared: bool
    """Whether the two sides were compared (sync) or every file is sent (put/get -r)."""
    _run: Callable[[Report], None]
    _finish: Callable[[], None]

    def run(self, report: Report) -> None:
        """Do the plan; the etag cache is saved however it ends (Ctrl-C too)."""
        try:
            self._run(report)
        finally:
            self._finish()


def _local_root(root: Path, *, create: bool) -> Path:
    if create and not root.exists():
        root.mkdir(parents=True)
    if not root.is_dir():
        raise WcsInputError(f"not a directory: {root}")
    return root


def _warn_skipped(tree: LocalTree, warn: Warn) -> None:
    for entry in tree.skipped:
        warn(f"warning: skipped {tree.root / entry.rel}: {entry.reason}")


def _remote_files(wcs: Wcs, bucket: str, prefix: str) -> dict[str, RemoteFile]:
    """The prefix's objects by the part of their key below it (one listing)."""
    return {
        rel_of(prefix, item.key): RemoteFile(key=item.key, size=item.size or 0, hash=item.hash)
        for item in wcs.iter_objects(bucket, prefix=prefix or None, limit=1000)
    }


def prepare_upload(
    wcs: Wcs,
    root: Path,
    bucket: str,
    prefix: str,
    *,
    options: TreeOptions,
    cache: EtagCache,
    warn: Warn,
) -> Prepared:
    """Local ``root`` to ``bucket``/``prefix``."""
    tree = scan(_local_root(root, create=False), options.filter.selects)
    _warn_skipped(tree, warn)
    sizes = {rel: file.size for rel, file in tree.files.items()}
    if options.compare:
        remote = _remote_files(wcs, bucket, prefix)

        def same(rel: str) -> bool:
            return cache.etag(rel, tree.files[rel]) == remote[rel].hash

        plan = plan_sync(
            sizes,
            {rel: item.size for rel, item in remote.items()},
            same_content=same,
            delete=options.delete,
            selects=options.filter.selects,
            protected=tree.protects,
        )
    else:
        remote, plan = {}, plan_copy(sizes, selects=options.filter.selects)
    check_delete_limit(plan, options.max_delete)

    def run(report: Report) -> None:
        upload_files(
            wcs, tree.files, plan.send, bucket=bucket, prefix=prefix, cache=cache,
            jobs=options.jobs, report=report, upload=options.upload,
        )  # fmt: skip
        if plan.delete:
            ops = [BatchOp(rel, delete_op(bucket, remote[rel].key)) for rel in plan.delete]
            run_batch(wcs, "delete", ops, done=lambda rel, f: report.finished("deleted", rel, f))

    return Prepared(
        plan=plan,
        send_bytes=sum(sizes[rel] for rel in plan.send),
        ignored=len(tree.skipped),
        compared=options.compare,
        run=run,
        finish=lambda: cache.save(tree.files),
    )


def _local_view(
    remote: dict[str, RemoteFile], warn: Warn, bucket: str
) -> tuple[dict[str, RemoteFile], int]:
    """The objects by their safe local path; keys that make none, or the same one as
    another key, are warned about and left out."""
    safe: dict[str, RemoteFile] = {}
    ignored = 0
    for rel, item in sorted(remote.items()):
        if is_folder_marker(rel):
            continue
        try:
            local = local_rel(rel)
        except WcsInputError as exc:
            warn(f"warning: skipped wcs://{bucket}/{item.key}: no safe local name ({exc})")
            ignored += 1
            continue
        if local in safe:
            warn(
                f"warning: skipped wcs://{bucket}/{item.key}: its local name {local} is "
                f"already that of wcs://{bucket}/{safe[local].key}"
            )
            ignored += 1
            continue
        safe[local] = item
    return safe, ignored


def prepare_download(
    wcs: Wcs,
    bucket: str,
    prefix: str,
    root: Path,
    *,
    options: TreeOptions,
    cache: EtagCache,
    warn: Warn,
) -> Prepared:
    """``bucket``/``prefix`` to local ``root`` (made if missing)."""
    wcs.config.download_base_url  # noqa: B018  (no download_url: say so before listing)
    remote, ignored = _local_view(_remote_files(wcs, bucket, prefix), warn, bucket)
    tree = scan(_local_root(root, create=True), options.filter.selects)
    _warn_skipped(tree, warn)
    sizes = {rel: item.size for rel, item in remote.items()}
    if options.compare:

        def same(rel: str) -> bool:
            return cache.etag(rel, tree.files[rel]) == remote[rel].hash

        plan = plan_sync(
            sizes,
            {rel: file.size for rel, file in tree.files.items()},
            same_content=same,
            delete=options.delete,
            selects=options.filter.selects,
            protected=tree.protects,
        )
    else:
        plan = plan_copy(sizes, selects=options.filter.selects, protected=tree.protects)
    check_delete_limit(plan, options.max_delete)

    def run(report: Report) -> None:
        download_files(
            wcs, remote, plan.send, bucket=bucket, root=root, cache=cache, jobs=options.jobs,
            report=report,
        )  # fmt: skip
        delete_local(tree.files, plan.delete, cache=cache, report=report)

    return Prepared(
        plan=plan,
        send_bytes=sum(sizes[rel] for rel in plan.send),
        ignored=ignored + len(tree.skipped),
        compared=options.compare,
        run=run,
        finish=lambda: cache.save(set(tree.files) | set(plan.send)),
    )
