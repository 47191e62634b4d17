"""Writes the synchronous twin of ``wcs_ext/_async/`` into ``wcs_ext/_sync/`` (unasync).

``python generator/sync_twins.py`` regenerates it (``make generate``); with ``--check DIR``
it writes into DIR instead, for the drift check. ``_io.py`` is hand-written on both sides
and never generated, like the packages' ``__init__.py``. Each generated file says so in its
first lines; the output is formatted with the project's ruff settings.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import unasync

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "wcs_ext" / "_async"
TARGET = ROOT / "wcs_ext" / "_sync"
HAND_WRITTEN = frozenset({"__init__.py", "_io.py"})  # the package docstring, the I/O

# Names unasync's defaults do not know: httpx's async classes and methods, and public
# names that read better without a "Sync" prefix.
REPLACEMENTS = {
    "AsyncClient": "Client",
    "AsyncBaseTransport": "BaseTransport",
    "AsyncByteStream": "SyncByteStream",
    "aclose": "close",
    "aread": "read",
    "aiter_bytes": "iter_bytes",
    "AsyncWcs": "Wcs",
    "AsyncFmgrJobs": "FmgrJobs",
    "AsyncFopsJobs": "FopsJobs",
    "AsyncJob": "Job",
}


_WORD = re.compile(r"\b(Async[A-Z]\w*|" + "|".join(REPLACEMENTS) + r")\b")


def _sync_words(text: str) -> str:
    """The same names in docstrings and comments, which unasync's tokens do not reach."""

    def replace(match: re.Match[str]) -> str:
        word = match.group(1)
        return REPLACEMENTS.get(word) or "Sync" + word.removeprefix("Async")

    return _WORD.sub(replace, text)


def _header(source: Path) -> str:
    relative = source.relative_to(ROOT).as_posix()
    return (
        f"# Generated from {relative} by `make generate` (unasync): do not edit.\n"
        "# Change the async source and regenerate; `make test` fails when this file drifts.\n"
    )


def generate(target: Path) -> list[Path]:
    """The sync twin of every generated module, written under ``target``."""
    sources = sorted(p for p in SOURCE.rglob("*.py") if p.name not in HAND_WRITTEN)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as scratch:
        rule = unasync.Rule("/_async/", "/_sync/", additional_replacements=REPLACEMENTS)
        copies = []
        for source in sources:
            copy = Path(scratch) / "_async" / source.relative_to(SOURCE)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)
            copies.append(str(copy))
        unasync.unasync_files(copies, [rule])
        for source in sources:
            relative = source.relative_to(SOURCE)
            made = Path(scratch) / "_sync" / relative
            out = target / relative
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(_header(source) + _sync_words(made.read_text()))
            written.append(out)
    ruff = [sys.executable, "-m", "ruff"]
    files = [str(p) for p in written]
    config = ["--config", str(ROOT / "pyproject.toml")]
    # The project's own ruff, on files this script just wrote.
    subprocess.run([*ruff, "check", "--fix-only", "--quiet", *config, *files], check=True)  # noqa: S603
    subprocess.run([*ruff, "format", "--quiet", *config, *files], check=True)  # noqa: S603
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", type=Path, help="write into this folder instead")
    args = parser.parse_args()
    if args.check is None:
        for stale in TARGET.rglob("*.py"):
            if stale.name not in HAND_WRITTEN:
                stale.unlink()
    generate(args.check or TARGET)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
