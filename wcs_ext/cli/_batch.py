"""Batch ``del``, ``cp``, ``mv``: many objects from arguments and ``--from-file``, done as
fmgr jobs (``wcs_ext.bulk.batch_run``), a line per object, and the failed ones written
(atomically) to a file that the next run takes as ``--from-file``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import click

from .._atomic_file import atomic_file
from ..errors import WcsError, WcsInputError
from ._context import CliState, Interrupted, emit_json
from ._many_report import ManyReport
from ._output import echo
from ._urls import parse_object, parse_target

if TYPE_CHECKING:
    from ..bulk.batch_run import BatchOp

# The batch machinery (wcs_ext.bulk) is imported by the runs that use it, inside the
# functions below: the other commands start without it.

__all__ = ["DEFAULT_FAILURES", "BatchVerb", "batch_options", "read_targets", "run_batch_command"]

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_FAILURES = "wcs-ext-failed.txt"

BatchVerb = Literal["delete", "copy", "move"]


def batch_options(function: F) -> F:
    function = click.option(
        "--failures",
        "failures_path",
        metavar="FILE",
        default=DEFAULT_FAILURES,
        show_default=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="Where the objects that failed are listed, for --from-file (written only then).",
    )(function)
    return click.option(
        "--from-file",
        "from_file",
        metavar="FILE",
        help="More objects, one wcs://BUCKET/KEY a line (- reads stdin).",
    )(function)


def read_targets(arguments: Sequence[str], from_file: str | None) -> list[str]:
    """The objects of the arguments, then of the file; each named once, in order."""
    lines: list[str] = []
    if from_file is not None:
        try:
            if from_file == "-":
                text = sys.stdin.buffer.read().decode("utf-8")
            else:
                text = Path(from_file).read_bytes().decode("utf-8")
        except OSError as exc:
            raise WcsInputError(f"cannot read {from_file}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise WcsInputError(f"{from_file} is not UTF-8 text") from None
        # Only the line break goes: a key may begin or end with spaces.
        lines = [line.removesuffix("\r") for line in text.split("\n") if line.strip()]
    targets = [*arguments, *lines]
    for number, target in enumerate(lines, start=1):
        if not target.startswith("wcs://"):
            raise WcsInputError(
                f"{from_file}: line {number}: expected wcs://BUCKET/KEY, got {target!r}"
            )
    for target in targets:
        parse_object(target)  # every one checked before any work
    if not targets:
        raise WcsInputError("no object given: name wcs://BUCKET/KEY or use --from-file FILE")
    return list(dict.fromkeys(targets))


def _ops(verb: BatchVerb, targets: Sequence[str], destination: str | None) -> list[BatchOp]:
    from ..bulk.batch_run import BatchOp  # noqa: PLC0415
    from ..bulk.keys import prefix_of  # noqa: PLC0415
    from ..protocol.fmgr_ops import copy_op, delete_op, move_op  # noqa: PLC0415

    if verb == "delete":
        return [BatchOp(t, delete_op(*parse_object(t))) for t in targets]
    assert destination is not None
    dst_bucket, dst_key = parse_target(destination)
    prefix = prefix_of(dst_key)
    make = move_op if verb == "move" else copy_op
    ops = []
    for target in targets:
        bucket, key = parse_object(target)
        ops.append(BatchOp(target, make(bucket, key, dst_bucket, prefix + key)))
    return ops


def _write_failures(state: CliState, path: Path, failed: Sequence[str]) -> str:
    """List ``failed`` in ``path``; a key holding a line break cannot be a line there."""
    lines = [target for target in failed if "\n" not in target and "\r" not in target]
    for target in failed:
        if target not in lines:
            echo(f"warning: {target} holds a line break: not listed in {path}", err=True)
    with atomic_file(path) as out:
        out.write("".join(f"{target}\n" for target in lines).encode("utf-8"))
    return f"listed in {path} (run again with --from-file {path})"


def run_batch_command(
    state: CliState,
    verb: BatchVerb,
    targets: Sequence[str],
    *,
    destination: str | None = None,
    failures_path: Path,
) -> None:
    """Do ``verb`` (delete, copy, move) on ``targets`` as fmgr jobs; report, list the
    failures, and fail (exit 1) when any did."""
    from ..bulk.batch_run import run_batch  # noqa: PLC0415

    done_word = {"delete": "deleted", "copy": "copied", "move": "moved"}[verb]
    ops = _ops(verb, targets, destination)
    report = ManyReport(state)
    try:
        run_batch(
            state.client(),
            verb,
            ops,
            done=lambda label, failure: report.finished(done_word, label, failure),
        )
    except KeyboardInterrupt:
        raise Interrupted(
            "interrupted: jobs already submitted go on on the server; "
            "run the same command again for the rest"
        ) from None
    failed = [label for _, label, _ in report.failures]
    where = _write_failures(state, failures_path, failed) if failed else ""
    if state.json_output:
        emit_json({"summary": {done_word: report.done[done_word], "failed": len(failed)}})
    elif not state.quiet:
        echo(f"{done_word} {report.done[done_word]}, failed {len(failed)}")
    if failed:
        raise WcsError(f"{len(failed)} of {len(ops)} failed: {where}")
