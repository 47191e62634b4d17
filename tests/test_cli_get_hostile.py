"""``wcs-ext get`` (a subprocess) against the hostile server of ``tests/hostile_server.py``:
URLs whose last component decodes to a path, a parent, an absolute path, control
characters or the name of a download's hidden file write nothing outside the target
directory (encoded separators in either case, encoded dots, double encoding); a slow
drip is given up on; 503s and a dropped connection before the first byte are retried.
Stalls and heads too large: ``test_suite_hostile.py``."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from tests.cli_helpers import Result, assert_ok, assert_one_line_error
from tests.hostile_server import (
    BODY,
    Drip,
    Drop,
    HostileServer,
    Serve,
    hostile,  # noqa: F401  (fixture)
    run_wcs,
    snapshot,
)


def get(home: Path, cwd: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return run_wcs(home, cwd, "get", *args, env=env)


def _absolute(path: Path) -> str:
    return quote(str(path), safe="")  # "%2Ftmp%2F...%2Fvictim"


# (the URL's last component, how it is built from the victim's path; the name it is
# saved as, or None: refused with exit 2)
HOSTILE = {
    "parent": ("..%2Fvictim", "victim"),
    "parents": ("..%2F..%2F..%2Fvictim", "victim"),
    "absolute": ("{absolute}", "victim"),
    "absolute-doubled": ("%2F%2F{absolute}", "victim"),
    "lowercase-escapes": ("..%2f..%2fvictim", "victim"),
    "encoded-dots": ("%2E%2E%2F%2E%2E%2Fvictim", "victim"),
    "double-encoded": ("..%252F..%252Fvictim", "..%2F..%2Fvictim"),  # decoded once only
    "trailing-separator": ("victim%2F", "victim"),
    "backslashes": ("..%5C..%5Cvictim", ".._.._victim"),
    "drive-letter": ("C:%5C..%5Cvictim", "C:_.._victim"),
    "dot-dot": ("%2E%2E", None),
    "dot-dot-slash": ("..%2F", None),
    "nul": ("vic%00tim", "vic_tim"),
    "escape-sequences": ("%1B%5B2J%1B%5B31mred%0Aline%0D", "_[2J_[31mred_line_"),
    "cr-lf-tab-del": ("a%0D%0Ab%09c%7Fd", "a__b_c_d"),
    "c1-csi": ("%C2%9B31mred", "_31mred"),
    "only-controls": ("%00%0A", "__"),
    "a-partial-file": (".victim.wcs-part", None),  # would pass for another download's
    "bidi-override": ("%E2%80%AEgpj.exe", "_gpj.exe"),
    "long": ("v" * 400, "v" * 200),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_get_writes_nothing_outside_the_target_directory(
    hostile: HostileServer, tmp_path: Path, case: str
) -> None:
    last, saved_as = HOSTILE[case]
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious\n")
    target = tmp_path / "a" / "b" / "target"
    target.mkdir(parents=True)
    url = f"{hostile.base_url}/dl/" + last.format(absolute=_absolute(victim))
    before = snapshot(tmp_path, target)

    result = get(tmp_path / "home", target, url)

    assert snapshot(tmp_path, target) == before  # nothing outside changed or appeared
    assert victim.read_bytes() == b"precious\n"
    if saved_as is None:
        assert_one_line_error(result, 2, "give FILENAME")
        assert list(target.iterdir()) == []
        return
    assert_ok(result)
    assert result.stdout == f"saved {saved_as} (14 B)\n"
    assert [p.name for p in target.iterdir()] == [saved_as]
    assert (target / saved_as).read_bytes() == BODY
    for text in (result.stdout, result.stderr):
        assert text.rstrip("\n").isprintable(), repr(text)


def test_get_gives_up_on_a_slow_drip(hostile: HostileServer, tmp_path: Path) -> None:
    url = hostile.script("/drip.bin", [Drip(size=100_000, interval=0.1)])
    result = get(tmp_path, tmp_path, url, "drip.bin", env={"WCS_LOW_SPEED_TIME": "1"})
    line = assert_one_line_error(result, 1, "download", "below 1024 B/s for 1 s")
    assert "low_speed_time" in line
    assert not (tmp_path / "drip.bin").exists()


def test_get_retries_503_and_a_dropped_connection(hostile: HostileServer, tmp_path: Path) -> None:
    busy = Serve(b'{"message": "busy"}', status=503, headers=(("Retry-After", "0"),))
    url = hostile.script("/flaky.bin", [busy, Drop(), busy, Serve(BODY)])
    result = assert_ok(get(tmp_path, tmp_path, url, "flaky.bin"))
    assert result.stdout == "saved flaky.bin (14 B)\n"
    assert (tmp_path / "flaky.bin").read_bytes() == BODY
    assert hostile.hits("/flaky.bin") == 4
