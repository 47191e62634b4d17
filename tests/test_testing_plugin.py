"""The pytest plugin ``wcs_ext.testing``: a project of its own (pytester) uses the
``wcs_emulator`` fixture (also as ``emulator``), and this repository's own ``emulator``
fixture still wins."""

from __future__ import annotations

import importlib.metadata
import pickle

import pytest

import wcs_ext.testing
from tests.conftest import EmulatorProcess
from wcs_ext.testing import WcsEmulator

pytest_plugins = ("pytester",)

_PROJECT_TIMEOUT = 180.0

USES_THE_FIXTURE = """
import os
import stat
import subprocess
import sys

import httpx

from wcs_ext import WcsConfig


def test_upload_and_count(wcs_emulator, tmp_path):
    (tmp_path / "a.txt").write_text("hello")
    with wcs_emulator.client() as wcs:
        wcs.simple_upload(tmp_path / "a.txt", wcs_emulator.bucket, "dir/a.txt")
        assert wcs.stat(wcs_emulator.bucket, "dir/a.txt").size == 5
    assert httpx.get(wcs_emulator.url_of(wcs_emulator.bucket, "dir/a.txt")).text == "hello"
    counted = wcs_emulator.stats()["requests_by_endpoint"]
    assert counted["POST /file/upload"] == 1
    assert counted["GET /stat/{entry}"] == 1


def test_the_short_name_is_the_same_emulator(emulator, wcs_emulator):
    assert emulator is wcs_emulator


def test_the_same_emulator_and_its_config_file(wcs_emulator):
    assert wcs_emulator.stats()["requests_by_endpoint"]["POST /file/upload"] == 1
    assert wcs_emulator.buckets == ("photos", "backup")
    assert stat.S_IMODE(os.stat(wcs_emulator.config_file).st_mode) == 0o600
    loaded = WcsConfig.load(wcs_emulator.config_file, env={})
    assert loaded.secret_key == wcs_emulator.secret_key == wcs_emulator.config.secret_key
    assert loaded.put_url == wcs_emulator.put_url
    assert "wcs-emulator-gw7-" in str(wcs_emulator.data_dir)
    assert wcs_emulator.secret_key not in repr(wcs_emulator)
    listed = subprocess.run(
        [sys.executable, "-m", "wcs_ext.cli", "-c", str(wcs_emulator.config_file),
         "--json", "listbucket"],
        capture_output=True, text=True, check=True,
    )
    assert "photos" in listed.stdout
"""

CONFTEST = """
import pytest


@pytest.fixture(scope="session")
def worker_id():
    return "gw7"  # as pytest-xdist names its workers
"""


def test_the_entry_point_names_the_plugin() -> None:
    (point,) = [
        p for p in importlib.metadata.entry_points(group="pytest11") if p.value == "wcs_ext.testing"
    ]
    assert point.name == "wcs_ext.testing"
    assert point.dist is not None
    assert point.dist.name == "wcs-ext"


def test_a_project_gets_the_fixture_from_the_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_uses=USES_THE_FIXTURE)
    pytester.makeconftest(CONFTEST)
    pytester.makeini("[pytest]\nwcs_emulator_buckets =\n    photos\n    backup\n")
    # A new process, as the project's own run would be: the plugin comes from the
    # entry point, not from this session.
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=_PROJECT_TIMEOUT)
    # errors=0 too: the emulator stopped with the session and exited cleanly.
    result.assert_outcomes(passed=3)


def test_a_failed_start_says_why(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_bad="def test_it(wcs_emulator):\n    pass\n")
    pytester.makeini("[pytest]\nwcs_emulator_buckets = not/a/bucket\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=_PROJECT_TIMEOUT)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*the WCS emulator did not start*bad bucket name*"])


def test_this_repository_keeps_its_own_emulator_fixture(
    emulator: EmulatorProcess, request: pytest.FixtureRequest
) -> None:
    # The plugin is loaded here too (the entry point), with its own "emulator" fixture:
    # the one of tests/conftest.py is still what this repository's tests get.
    assert request.config.pluginmanager.has_plugin("wcs_ext.testing")
    assert callable(wcs_ext.testing.emulator)
    assert type(emulator) is EmulatorProcess


def test_the_fixture_object_keeps_its_secret(
    wcs_emulator: WcsEmulator,
) -> None:
    assert wcs_emulator.secret_key not in repr(wcs_emulator)
    with pytest.raises(TypeError, match="not pickled"):
        pickle.dumps(wcs_emulator)
    with wcs_emulator.client() as wcs:
        assert [b.name for b in wcs.list_buckets()] == ["test"]
