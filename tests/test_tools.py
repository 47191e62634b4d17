"""wcs_etag_cal / wcs_crc64_cal: the original tools' output, with clean errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from wcs_ext.cli.tools import crc64_cal_main, etag_cal_main

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    ToolMain = Callable[[Sequence[str] | None], int]

# Values from wcs-api §7 and wire-examples §6.
HELLO_WCS = b"hello wcs\n"
HELLO_WCS_ETAG = "FiJansjy9XVdTONVcAYheClQyUjF"
HELLO_WCS_CRC64 = "11047039988190061689"
TWO_BLOCKS_OF_ZEROS_ETAG = "lhCFgki5yzon0rjN9uJusf6qtsF6"  # 4194305 zero bytes


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "a.txt").write_bytes(HELLO_WCS)
    (tmp_path / "b.bin").write_bytes(bytes(4194305))
    (tmp_path / "hello").write_bytes(b"hello")
    (tmp_path / "empty").write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_etag_output_is_the_originals(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert etag_cal_main(["etag", "a.txt", "b.bin"]) == 0
    out, err = capsys.readouterr()
    assert out == f"['a.txt', 'b.bin']\n{HELLO_WCS_ETAG} {TWO_BLOCKS_OF_ZEROS_ETAG}\n"
    assert err == ""


def test_etag_single_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert etag_cal_main(["etag", "a.txt"]) == 0
    assert capsys.readouterr().out == f"['a.txt']\n{HELLO_WCS_ETAG}\n"


def test_crc64_output_is_the_originals(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert crc64_cal_main(["crc64", "a.txt", "hello", "empty"]) == 0
    out, err = capsys.readouterr()
    assert out == f"['a.txt', 'hello', 'empty']\n{HELLO_WCS_CRC64} 11177612005948864433 0\n"
    assert err == ""


@pytest.mark.parametrize(
    ("main", "argv", "tool"),
    [
        (etag_cal_main, ["etag", "missing.txt"], "wcs_etag_cal"),
        (etag_cal_main, ["etag", "a.txt", "missing.txt"], "wcs_etag_cal"),
        (crc64_cal_main, ["crc64", "a.txt", "missing.txt"], "wcs_crc64_cal"),
    ],
)
def test_missing_file_is_one_error_line(
    main: ToolMain,
    argv: list[str],
    tool: str,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"{tool}: error: no such file: missing.txt\n"


def test_directory_is_an_error(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "folder").mkdir()
    assert etag_cal_main(["etag", "folder"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("wcs_etag_cal: error: ")
    assert "folder" in err


@pytest.mark.parametrize("main", [etag_cal_main, crc64_cal_main])
def test_no_subcommand_prints_nothing(main: ToolMain, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert capsys.readouterr() == ("", "")


def test_help_returns_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert etag_cal_main(["-h"]) == 0
    assert "WCS Python SDK" in capsys.readouterr().out
    assert crc64_cal_main(["crc64", "--help"]) == 0
    assert "FILE" in capsys.readouterr().out


def test_subcommand_without_files_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert etag_cal_main(["etag"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "FILE" in err


def test_as_a_process_no_traceback(workdir: Path) -> None:
    script = "import sys; from wcs_ext.cli.tools import etag_cal_main; sys.exit(etag_cal_main())"
    root = Path(__file__).resolve().parents[1]
    pythonpath = os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": pythonpath}
    ok = subprocess.run(
        [sys.executable, "-c", script, "etag", "a.txt"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, f"['a.txt']\n{HELLO_WCS_ETAG}\n", "")
    bad = subprocess.run(
        [sys.executable, "-c", script, "etag", "missing.txt"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == "wcs_etag_cal: error: no such file: missing.txt\n"
