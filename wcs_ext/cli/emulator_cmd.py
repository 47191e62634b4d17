"""``wcs-ext emulator``: run the local WCS server (needs the ``emulator`` extra)."""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import _emulator_files
from ._output import echo

if TYPE_CHECKING:
    from ..emulator import EmulatorSettings

__all__ = ["COMMANDS", "emulator_command"]

_EXTRA_MODULES = frozenset({"starlette", "uvicorn", "python_multipart", "multipart"})


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address; a name other than ``localhost`` is not
    (it may resolve to anything, and is not looked up before the check)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check_exposure(host: str, *, demo_keys: bool, allowed: bool) -> None:
    """Refuse, before anything listens, to serve the public demo keys beyond loopback."""
    if not demo_keys or is_loopback(host):
        return
    if not allowed:
        raise click.UsageError(
            f"--host {host} is not a loopback address and the emulator would use the "
            "public demo keys, which let anyone who reaches it read and write its data: "
            "give your own keys (--ak with WCS_SECRET_KEY), or --allow-demo-keys if that "
            "is really meant"
        )
    echo(
        f"warning: listening on {host} with the public demo keys: anyone who can reach "
        "it can read and write its data",
        err=True,
    )


def _keys(access_key: str | None, secret_key: str | None) -> tuple[str, str] | None:
    """Options first, then WCS_ACCESS_KEY / WCS_SECRET_KEY; None: use the demo keys."""
    access_key = access_key or os.environ.get("WCS_ACCESS_KEY") or None
    secret_key = secret_key or os.environ.get("WCS_SECRET_KEY") or None
    if access_key is None and secret_key is None:
        return None
    if access_key is None or secret_key is None:
        raise click.UsageError(
            "give both an access key and a secret key (--ak/--sk or WCS_ACCESS_KEY/"
            "WCS_SECRET_KEY), or neither for the local demo keys"
        )
    return access_key, secret_key


@click.command("emulator")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Other than loopback it needs your own keys or --allow-demo-keys.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port to listen on; 0 picks a free one (see the ready line).",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Data directory; everything in it survives a restart. "
    "[default: a new temporary directory, deleted on exit]",
)
@click.option("--ak", "access_key", metavar="AK", help="Access key. [env WCS_ACCESS_KEY]")
@click.option(
    "--sk",
    "secret_key",
    metavar="SK",
    help="Secret key. [env WCS_SECRET_KEY, preferred: arguments show in the process list]",
)
@click.option(
    "--allow-demo-keys",
    is_flag=True,
    help="Listen on a non-loopback --host with the public demo keys all the same: anyone "
    "who can reach it can then read and write its data.",
)
@click.option(
    "--bucket",
    "buckets",
    multiple=True,
    metavar="NAME",
    help="Bucket to have (repeatable). [default: demo]",
)
@click.option(
    "--fault-rate",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    help="Share of upload/management requests that fail like a bad network.",
)
@click.option(
    "--fault-seed", type=int, default=0, show_default=True, help="Seed of the fault sequence."
)
@click.option(
    "--fault-downloads",
    is_flag=True,
    help="Fault downloads too: 5xx, connections reset mid-body, bodies that drip.",
)
@click.option(
    "--fault-kinds",
    metavar="KIND,...",
    default="",
    help="Draw only these fault kinds, e.g. error-503 (a storm of 503s with "
    "--fault-rate 1). [default: all]",
)
@click.option(
    "--ctx-ttl",
    type=click.FloatRange(min=0.0, min_open=True),
    default=30 * 24 * 3600.0,
    show_default=True,
    help="Seconds a multipart block stays usable before it must be made again.",
)
@click.option(
    "--log",
    "request_log",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Append a JSON line per request to FILE: time, method, path, query (credentials "
    "masked), status, bytes in and out, duration, request id, fault injected.",
)
@click.option(
    "--write-config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Once listening, write a .wcscfg for this emulator to FILE (0600): its keys, "
    "put_url, mgr_url and download_url, for wcs-ext -c FILE and the original wcscmd.",
)
@click.option(
    "--live-recordings",
    "live_recordings",
    metavar="N|FILE",
    help="What /wslive/list answers: N recordings for any channel (sharing the window "
    "asked for), or those of a JSON file (a list of objects with channelname, bucket, "
    "startTime, endTime). [default: none]",
)
def emulator_command(
    host: str,
    port: int,
    data_dir: Path | None,
    access_key: str | None,
    secret_key: str | None,
    allow_demo_keys: bool,
    buckets: tuple[str, ...],
    fault_rate: float,
    fault_seed: int,
    fault_downloads: bool,
    fault_kinds: str,
    ctx_ttl: float,
    request_log: Path | None,
    config_file: Path | None,
    live_recordings: str | None,
) -> None:
    """Run a local WCS server: uploads, management and downloads on one port.

    When it listens it prints one JSON line on stdout: put_url, mgr_url,
    download_url (objects at {download_url}/{bucket}/{key}), stats_url, access_key,
    secret_key, data, pid. The secret key is shown (and written by --write-config)
    because it is the emulator's own, a key for local tests only: never give the
    emulator a real account's keys. Without keys it uses fixed demo keys: with them it
    refuses (exit 2) to listen on anything but loopback unless --allow-demo-keys is
    given. http://HOST:PORT/ shows the buckets and objects in a browser (read-only).
    Ctrl-C or SIGTERM stops it.

    \b
    Examples:
      $ wcs-ext emulator --bucket photos --data ./wcs-data
      $ WCS_SECRET_KEY=dev-secret wcs-ext emulator --ak dev-key --port 8080
      $ WCS_SECRET_KEY=dev-secret wcs-ext emulator --ak dev-key --host 0.0.0.0
      $ wcs-ext emulator --fault-rate 0.2 --fault-seed 7    # a flaky network, for tests
      $ wcs-ext emulator --fault-rate 0.2 --fault-downloads # downloads cut and slowed too
      $ wcs-ext emulator --write-config emu.wcscfg --log requests.jsonl
      $ wcs-ext -c emu.wcscfg listbucket                     # in another shell
      $ wcs-ext emulator --live-recordings 3                 # wslive finds 3 per channel
    """
    try:
        # Imported here: the client and the rest of the CLI must work without the extra.
        from ..emulator import (  # noqa: PLC0415
            DEMO_ACCESS_KEY,
            DEMO_SECRET_KEY,
            EmulatorSettings,
            make_data_dir,
            serve,
        )
    except ModuleNotFoundError as exc:
        if exc.name not in _EXTRA_MODULES:
            raise
        raise click.ClickException(
            f"the emulator needs the 'emulator' extra ({exc.name} is missing): "
            "pip install 'wcs-ext[emulator]'"
        ) from None
    keys = _keys(access_key, secret_key) or (DEMO_ACCESS_KEY, DEMO_SECRET_KEY)
    # Given by hand, the demo keys are just as public.
    demo_keys = DEMO_ACCESS_KEY in keys or DEMO_SECRET_KEY in keys
    _check_exposure(host, demo_keys=demo_keys, allowed=allow_demo_keys)
    recordings = _emulator_files.live_recordings(live_recordings)
    if request_log is not None:
        _emulator_files.check_log_file(request_log)
    if config_file is not None:
        _emulator_files.check_new_file(config_file, "--write-config")
        _emulator_files.check_config_value("access_key", keys[0])
        _emulator_files.check_config_value("secret_key", keys[1])
    temporary = data_dir is None
    data = Path(tempfile.mkdtemp(prefix="wcs-emulator-")) if data_dir is None else data_dir
    try:
        try:
            settings = EmulatorSettings(
                data_dir=data.resolve(),
                credentials={keys[0]: keys[1]},
                buckets=buckets,
                host=host,
                port=port,
                fault_rate=fault_rate,
                fault_seed=fault_seed,
                fault_kinds=[kind.strip() for kind in fault_kinds.split(",") if kind.strip()],
                fault_downloads=fault_downloads,
                ctx_ttl=ctx_ttl,
                request_log=None if request_log is None else request_log.resolve(),
                live_recordings=recordings,
            )
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
        # Here, so an unusable directory is one clear error, not a failed server start.
        make_data_dir(settings.data_dir)
        serve(
            settings,
            partial(_announce, settings, temporary=temporary, config_file=config_file),
        )
    finally:
        if temporary:
            shutil.rmtree(data, ignore_errors=True)


def _announce(
    settings: EmulatorSettings, port: int, *, temporary: bool, config_file: Path | None
) -> None:
    from ..emulator import ready_info  # noqa: PLC0415 (the extra is there by now)

    info = ready_info(settings, port, temporary=temporary)
    if config_file is not None:
        # Before the ready line: whoever waits for it finds the file there.
        _emulator_files.write_config(config_file, info)
        info["config"] = str(config_file.resolve())
    sys.stdout.write(json.dumps(info) + "\n")
    sys.stdout.flush()
    note = " (temporary data, deleted on exit)" if temporary else ""
    echo(
        f"wcs-ext emulator listening on {info['put_url']}, data in {info['data']}{note}; "
        "Ctrl-C or SIGTERM stops it",
        err=True,
    )


COMMANDS = (emulator_command,)
