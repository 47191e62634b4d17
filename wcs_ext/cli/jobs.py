"""``deletePrefix``, ``fops``, ``fmgrStatus``, ``fopsStatus``: jobs the server runs."""

from __future__ import annotations

import time
from collections.abc import Callable

import click

from ..errors import WcsError
from ..models import Job, JobStatus
from ..protocol.fmgr_ops import delete_prefix_op
from ._context import CliState, as_json, emit_json, pass_state
from ._output import echo, print_table
from ._urls import parse_bucket, parse_object

__all__ = ["COMMANDS"]

_JOB_OPTIONS = """\
--notify URL (where the server reports the result), --separate 0|1 and --force 0|1
come from the config file or options given before or after the command."""

_WAIT = click.option(
    "--wait", is_flag=True, help="Poll the job's status until it has finished, then show it."
)
_POLL_SECONDS = 1.0


def _show_status(state: CliState, status: JobStatus) -> None:
    if state.json_output:
        emit_json(as_json(status) | {"finished": status.finished, "succeeded": status.succeeded})
        return
    state_name = status.state.name.lower().replace("_", " ") if status.state else "unknown"
    echo(f"job {status.id}: {state_name} ({status.desc or 'no description'})")
    rows = [
        (
            {3: "ok", 2: "FAILED", 1: "running", 0: "pending"}.get(item.code or 0, str(item.code)),
            item.cmd,
            item.error or item.desc or "",
        )
        for item in status.items
    ]
    if rows:
        print_table(("RESULT", "COMMAND", "DETAIL"), rows)


def _submitted(
    state: CliState, job: Job, wait: bool, poll: Callable[[str], JobStatus], status_cmd: str
) -> None:
    if not wait:
        if state.json_output:
            emit_json(as_json(job))
        else:
            state.say(f"submitted job {job.persistent_id}")
            state.say(f"see how it goes: wcs-ext {status_cmd} {job.persistent_id}")
        return
    status = poll(job.persistent_id)
    while not status.finished:
        time.sleep(_POLL_SECONDS)
        status = poll(job.persistent_id)
    _show_status(state, status)
    if not status.succeeded:
        raise WcsError(f"job {job.persistent_id} finished with failures")


def _flags(state: CliState) -> dict[str, object]:
    config = state.config()
    return {
        "notify_url": config.notifyurl,
        "separate": bool(config.separate),
        "force": bool(config.force),
    }


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
    _submitted(state, job, wait, wcs.fmgr.status, "fmgrStatus")


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
    _submitted(state, job, wait, wcs.fops.status, "fopsStatus")


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
