"""A pytest plugin: the ``wcs_emulator`` fixture, a local WCS emulator for your tests.

Installed with wcs-ext (an entry point in the ``pytest11`` group), so any project that
has ``wcs-ext[emulator]`` gets the fixture without a line of setup::

    def test_upload(wcs_emulator, tmp_path):
        (tmp_path / "a.txt").write_text("hello")
        with wcs_emulator.client() as wcs:
            wcs.simple_upload(tmp_path / "a.txt", wcs_emulator.bucket, "a.txt")
        assert wcs_emulator.stats()["requests_by_endpoint"]["POST /file/upload"] == 1

The emulator is started once per test session (in each pytest-xdist worker: its own
process, data directory and port, the directory named after the ``worker_id``) and
stopped at the end; it must then exit cleanly. The fixture is a :class:`WcsEmulator`:
URLs, keys, a ready ``WcsConfig`` (``.config``), ``.config_file`` (a ``.wcscfg`` for
the command line, ours and the original's), ``.client()``, ``.url_of()``, ``.stats()``.

Its buckets: ``test``, or the ``wcs_emulator_buckets`` ini option (one per line).
The same emulator is also the ``emulator`` fixture; a project that has a fixture of
that name of its own (this repository does) keeps getting its own, as pytest prefers a
``conftest.py`` fixture to a plugin's, and ``wcs_emulator`` still reaches this one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ._emulator import WcsEmulator

__all__ = ["WcsEmulator", "emulator", "wcs_emulator"]

_BUCKETS_INI = "wcs_emulator_buckets"
_DEFAULT_BUCKETS = ["test"]


def __getattr__(name: str) -> object:
    # The plugin loads in every pytest run: the client side is imported when used.
    if name == "WcsEmulator":
        from ._emulator import WcsEmulator  # noqa: PLC0415

        return WcsEmulator
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        _BUCKETS_INI,
        type="linelist",
        default=_DEFAULT_BUCKETS,
        help="Buckets of the wcs_emulator fixture's emulator (one per line).",
    )


def _worker_id(request: pytest.FixtureRequest) -> str:
    """pytest-xdist's ``worker_id`` (``gw0``, ``gw1``, ...; ``master`` without workers)."""
    try:
        return str(request.getfixturevalue("worker_id"))
    except pytest.FixtureLookupError:  # no pytest-xdist
        return "master"


@pytest.fixture(scope="session")
def wcs_emulator(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WcsEmulator]:
    """A local WCS emulator for the session (per xdist worker): see :class:`WcsEmulator`."""
    from ._emulator import running_emulator  # noqa: PLC0415

    folder = tmp_path_factory.mktemp(f"wcs-emulator-{_worker_id(request)}-")
    buckets = request.config.getini(_BUCKETS_INI) or _DEFAULT_BUCKETS
    with running_emulator(folder, buckets=buckets) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def emulator(wcs_emulator: WcsEmulator) -> WcsEmulator:
    """The ``wcs_emulator`` fixture under the short name (a project's own ``emulator``
    fixture, in its ``conftest.py``, wins over this one)."""
    return wcs_emulator
