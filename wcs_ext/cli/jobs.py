"""``deletePrefix``, ``fops``, ``fmgrStatus``, ``fopsStatus``: jobs the server runs."""

from __future__ import annotations

import sys

import click

from .._sync.resources.jobs import Job
from ..errors import WcsError
from ..models import ItemState, JobState, JobStatus
from ..protocol.fmgr_ops import delete_prefix_op
from ._context import CliState, Interrupted, as_json, emit_json, pass_state
from ._output import echo, print_table
from ._urls import parse_bucket, parse_object

__all__ = ["COMMANDS"]

_JOB_OPTIONS = """\
--notify URL (where the server reports the result), --separate 0|1 and --force 0|1
come from the config file or options given before or after the command."""

_WAIT = click.option(
    "--wait",
    is_flag=True,
    help="Then poll the job's status (less and less often, up to every 10 s) until it "
    "has finished, and show it.",
)


def _show_status(state: CliState, status: JobStatus) -> None:
    if state.json_output:
        emit_json(
            as_json(status)
            | {
                "state": None if status.state is None else str(status.state),
                "finished": status.finished,
                "succeeded": status.succeeded,
            }
        )
        return
    state_name = _for_people(status.state) if status.state is not None else "unknown"
    echo(f"job {status.id}: {state_name} ({status.desc or 'no description'})")
    rows = [
        (
            _ITEM_WORDS.get(item.state, str(item.code)) if item.state is not None else "?",
            item.cmd,
            item.error or item.desc or "",
        )
        for item in status.items
    ]
    if rows:
        print_table(("RESULT", "COMMAND", "DETAIL"), rows)


_ITEM_WORDS = {
    ItemState.SUCCEEDED: "ok",
    ItemState.FAILED: "FAILED",
    ItemState.PROCESSING: "running",
    ItemState.PENDING: "pending",
}


def _for_people(state: JobState) -> str:
    return str(state).lower().replace("_", " ")


def _submitted(state: CliState, job: Job, wait: bool, status_cmd: str) -> None:
    """The job's id at once (``persistentId: ID``, the words the original printed it
    with, for scripts that look for them); with ``wait``, its end."""
    if state.json_output:
        emit_json(as_json(job))
    else:
        echo(f"persistentId: {job.persistent_id}")
    sys.stdout.flush()  # the id is known before a long wait: a script may read it now
    if not wait:
        state.say(f"see how it goes: wcs-ext {status_cmd} {job.persistent_id}")
        return
    try:
        status = job.wait()
    except KeyboardInterrupt:
        raise Interrupted(
            f"interrupted: the job goes on; see how it goes: wcs-ext {status_cmd} "
            f"{job.persistent_id}"
        ) from None
    _show_status(state, status)
    if not status.succeeded:
        raise WcsError(f"job {job.persistent_id} finished with failures")


@click.command("deletePrefix", epilog=_JOB_OPTIONS)
@click.argument("bucket_url", metavar="wcs://BUCKET")
@click.argument("prefix")
@_WAIT
@pass_state
def delete_prefix_command(state: CliState, bucket_url: str, prefix: str, wait: bool) -> None:
    """Delete every object whose key starts with PREFIX (a job on the server).

    \b
    Example:
      $ wcs-ext deletePrefix wcs://logs 2025/ --wait
    """
    bucket = parse_bucket(bucket_url)
    if not prefix:
        raise click.BadParameter(
            "an empty prefix would delete the whole bucket", param_hint="PREFIX"
        )
    wcs = state.client()
    # notifyURL, separate and force default to the configuration (and its options).
    job = wcs.fmgr.submit("deletePrefix", delete_prefix_op(bucket, prefix))
    _submitted(state, job, wait, "fmgrStatus")


@click.command("fops", epilog=_JOB_OPTIONS)
@click.argument("target", metavar="wcs://BUCKET/KEY")
@click.argument("fops", metavar="FOPS")
@_WAIT
@pass_state
def fops_command(state: CliState, target: str, fops: str, wait: bool) -> None:
    """Run audio/video processing (FOPS, e.g. 'avthumb/mp4') on an object, as a job.

    \b
    Example:
      $ wcs-ext fops wcs://videos/a.mov "avthumb/mp4|saveas/dmlkZW9zOmEubXA0"
    """
    bucket, key = parse_object(target)
    wcs = state.client()
    job = wcs.fops.execute(bucket, key, fops)
    _submitted(state, job, wait, "fopsStatus")


@click.command("fmgrStatus")
@click.argument("persistent_id", metavar="PERSISTENTID")
@pass_state
def fmgr_status_command(state: CliState, persistent_id: str) -> None:
    """Show the state of an fmgr job (deletePrefix, fetch, move, ...).

    \b
    Example:
      $ wcs-ext fmgrStatus fmgr-0000001
    """
    _show_status(state, state.client().fmgr.status(persistent_id))


@click.command("fopsStatus")
@click.argument("persistent_id", metavar="PERSISTENTID")
@pass_state
def fops_status_command(state: CliState, persistent_id: str) -> None:
    """Show the state of an fops (processing) job.

    \b
    Example:
      $ wcs-ext fopsStatus fops-0000001
    """
    _show_status(state, state.client().fops.status(persistent_id))


COMMANDS = (delete_prefix_command, fops_command, fmgr_status_command, fops_status_command)
