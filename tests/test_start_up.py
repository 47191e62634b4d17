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


def test_a_client_and_its_call_do_not_import_a_terminal_toolkit() -> None:
    # httpx imports its own command line (click, rich, pygments) unless it is deferred.
    loaded = loaded_after(
        """
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
    )
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
