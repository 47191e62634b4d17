"""What a program pays for at start-up: each check runs a fresh interpreter and looks at
which modules it loaded (never at how long it took)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest


def loaded_after(code: str) -> set[str]:
    script = textwrap.dedent(code) + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def tops(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


A_STAT = """
from wcs_ext import Wcs, WcsConfig, WcsNotFoundError
import httpx  # after wcs_ext, as any program that uses wcs_ext's transport option
missing = httpx.MockTransport(lambda request: httpx.Response(404, json={"code": 404}))
config = WcsConfig(access_key="ak", secret_key="sk", mgr_url="http://wcs.test")
with Wcs(config, transport=missing) as wcs:
    try:
        wcs.stat("b", "k")
    except WcsNotFoundError:
        pass
"""
"""A program that makes a client and one call: a stat, answered 404 by a mock."""


@pytest.fixture(scope="module")
def after_a_stat() -> set[str]:
    """The modules :data:`A_STAT` loaded, run once for the tests that look at them."""
    return loaded_after(A_STAT)


def test_a_client_and_its_call_do_not_import_a_terminal_toolkit(after_a_stat: set[str]) -> None:
    # httpx imports its own command line (click, rich, pygments) unless it is deferred.
    loaded = after_a_stat
    assert "httpx" in loaded
    assert not tops(loaded) & {"click", "rich", "pygments"}


def test_one_endpoint_imports_only_its_models() -> None:
    loaded = loaded_after("from wcs_client.api.manage import bucket_stat")
    models = {name for name in loaded if name.startswith("wcs_client.models.")}
    assert models == {
        "wcs_client.models.bucket_stat_is_list_details",
        "wcs_client.models.bucket_stat_result",
        "wcs_client.models.error_body",
    }


def test_every_model_is_still_there_on_first_use() -> None:
    import wcs_client.models as models

    for name in models.__all__:
        assert getattr(models, name).__name__ == name
    assert sorted(dir(models)) == sorted(models.__all__)
    with pytest.raises(AttributeError):
        _ = models.NoSuchModel


def test_httpx_keeps_its_command_line() -> None:
    loaded = loaded_after(
        """
        import wcs_ext, httpx, sys
        assert callable(httpx.main)
        stand_in = sys.modules["httpx._main"]
        stand_in.print_help  # any use but main loads the real module
        assert sys.modules["httpx._main"] is not stand_in
        assert hasattr(sys.modules["httpx._main"], "get_lexer_for_response")
        """
    )
    assert "rich" in tops(loaded)  # the real module, with what it needs, once used


def test_the_checksum_tools_start_without_the_command_line() -> None:
    """wcs_etag_cal is mostly start-up on a small file: it loads the checksums and the
    escaping of what it prints, not click, the commands or the client."""
    loaded = loaded_after(
        """
        from wcs_ext.cli.tools import etag_cal_main
        """
    )
    assert "wcs_ext.protocol.checksum" in loaded
    assert not {"click", "attr", "rich"} & tops(loaded)
    assert "httpx" not in loaded  # (its deferred command line is only a stand-in)
    assert "wcs_ext.cli._app" not in loaded


def test_filters_are_loaded_by_the_runs_that_filter() -> None:
    loaded = loaded_after("from wcs_ext.cli import cli; cli.list_commands  # noqa: B018")
    assert "wcs_ext.cli._app" in loaded  # the command line itself, on first use of cli
    assert "pathspec" not in tops(loaded)


def test_a_call_imports_only_its_own_endpoint(after_a_stat: set[str]) -> None:
    loaded = after_a_stat
    endpoints = {name for name in loaded if name.startswith("wcs_client.api.")}
    assert endpoints == {"wcs_client.api.manage", "wcs_client.api.manage.stat_object"}
    models = {name for name in loaded if name.startswith("wcs_client.models.")}
    assert models == {"wcs_client.models.error_body", "wcs_client.models.object_stat"}


def test_the_command_line_loads_the_many_file_machinery_only_for_its_runs() -> None:
    loaded = loaded_after(  # every command defined
        """
        import click
        from wcs_ext.cli import cli
        cli.all_commands(click.Context(cli))
        """
    )
    assert "wcs_ext.cli.sync_cmd" in loaded
    assert not {name for name in loaded if name.startswith("wcs_ext.bulk")}


def test_a_stat_loads_no_transfer_machinery(after_a_stat: set[str]) -> None:
    loaded = after_a_stat
    assert "wcs_ext.transfer.settings" in loaded  # a client's tunables, read when it is made
    unused = {
        "wcs_ext.transfer.upload_plan",
        "wcs_ext.transfer.upload_requests",
        "wcs_ext.transfer.record",
        "wcs_ext.transfer.pace",
        "wcs_ext.transfer.partial_download",
        "wcs_ext.transfer.sliced_partial",
        "wcs_ext.protocol.checksum",
        "wcs_ext.protocol.blocks",
        "fastcrc",
    }
    assert not unused & loaded


def test_the_transfer_modules_are_there_on_first_use() -> None:
    loaded = loaded_after(
        """
        import sys
        import wcs_ext.protocol as protocol
        import wcs_ext.transfer as transfer

        assert "wcs_ext.transfer.record" not in sys.modules
        assert transfer.record.__name__ == "wcs_ext.transfer.record"
        assert protocol.blocks.__name__ == "wcs_ext.protocol.blocks"
        assert transfer.TransferConfig.__name__ == "TransferConfig"  # the lazy names too
        for package in (transfer, protocol):
            try:
                package.no_such_module
            except AttributeError:
                pass
            else:
                raise AssertionError(package.__name__)
        """
    )
    assert {"wcs_ext.transfer.record", "wcs_ext.protocol.blocks"} <= loaded
