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

from ._output import echo

if TYPE_CHECKING:
    from ..emulator import EmulatorSettings

__all__ = ["emulator_command"]

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
) -> None:
    """Run a local WCS server: uploads, management and downloads on one port.

    When it listens it prints one JSON line on stdout: put_url, mgr_url,
    download_url (objects at {download_url}/{bucket}/{key}), access_key, data, pid.
    Without keys it uses fixed demo keys, fit only for local tests: with them it
    refuses (exit 2) to listen on anything but loopback unless --allow-demo-keys is
    given. Ctrl-C or SIGTERM stops it.

    \b
    Examples:
      $ wcs-ext emulator --bucket photos --data ./wcs-data
      $ WCS_SECRET_KEY=dev-secret wcs-ext emulator --ak dev-key --port 8080
      $ WCS_SECRET_KEY=dev-secret wcs-ext emulator --ak dev-key --host 0.0.0.0
      $ wcs-ext emulator --fault-rate 0.2 --fault-seed 7    # a flaky network, for tests
      $ wcs-ext emulator --fault-rate 0.2 --fault-downloads # downloads cut and slowed too
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
            )
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
        # Here, so an unusable directory is one clear error, not a failed server start.
        make_data_dir(settings.data_dir)
        serve(settings, partial(_announce, settings, temporary=temporary))
    finally:
        if temporary:
            shutil.rmtree(data, ignore_errors=True)


def _announce(settings: EmulatorSettings, port: int, *, temporary: bool) -> None:
    from ..emulator import ready_info  # noqa: PLC0415 (the extra is there by now)

    info = ready_info(settings, port, temporary=temporary)
    sys.stdout.write(json.dumps(info) + "\n")
    sys.stdout.flush()
    note = " (temporary data, deleted on exit)" if temporary else ""
    echo(
        f"wcs-ext emulator listening on {info['put_url']}, data in {info['data']}{note}; "
        "Ctrl-C or SIGTERM stops it",
        err=True,
    )
