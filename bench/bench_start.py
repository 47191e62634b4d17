"""Start-up: ``wcs-ext stat`` against ``wcscmd stat``, and importing each library.

Run from the project root::

    python -m bench.bench_start            # 15 runs of each, alternating
    python -m bench.bench_start --runs 5

Short commands are mostly start-up: the interpreter, the imports, reading the config,
one request. Each command runs in a fresh process, alternating A B A B, against one
emulator; the figures are the medians of the child's wall time and CPU time (user +
system, from ``os.wait4``), and the ratio original/wcs-ext (above 1: wcs-ext faster).

The project's own modules are compiled to bytecode first (:mod:`bench.bytecode`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout that is not installed
    sys.path.insert(0, str(ROOT))

from bench.bench_upload import AK, BUCKET, SK, Emulator  # noqa: E402
from bench.bytecode import compile_project  # noqa: E402
from bench.results import save  # noqa: E402
from tests.original_sdk import OriginalSdkError, ensure_original_sdk, write_wcscfg  # noqa: E402
from wcs_ext import Wcs, WcsConfig  # noqa: E402


def run_once(args: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one child process; it must succeed."""
    start = time.perf_counter()
    child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if child.returncode != 0:
        raise RuntimeError(f"{args[0]} exited {child.returncode}:\n{errors[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def compare(
    name: str, ours: list[str], theirs: list[str], env: dict[str, str], runs: int
) -> dict[str, Any]:
    samples: dict[str, list[tuple[float, float]]] = {"wcs-ext": [], "original": []}
    run_once(ours, env), run_once(theirs, env)  # warm the page cache, untimed
    for _ in range(runs):
        samples["wcs-ext"].append(run_once(ours, env))
        samples["original"].append(run_once(theirs, env))
    medians = {
        client: (statistics.median(w for w, _ in s), statistics.median(c for _, c in s))
        for client, s in samples.items()
    }
    wall_ratio = medians["original"][0] / medians["wcs-ext"][0]
    cpu_ratio = medians["original"][1] / medians["wcs-ext"][1]
    for client, (wall, cpu) in medians.items():
        print(f"{name:<16}{client:<10}{wall * 1000:>9.0f} ms{cpu * 1000:>9.0f} ms")
    print(f"{name:<16}{'ratio':<10}{wall_ratio:>11.2f}x{cpu_ratio:>11.2f}x  (original/wcs-ext)")
    return {
        "wcs_ext": {
            "wall_s": round(medians["wcs-ext"][0], 4),
            "cpu_s": round(medians["wcs-ext"][1], 4),
        },
        "original": {
            "wall_s": round(medians["original"][0], 4),
            "cpu_s": round(medians["original"][1], 4),
        },
        "wall_ratio_original_over_wcs_ext": round(wall_ratio, 3),
        "cpu_ratio_original_over_wcs_ext": round(cpu_ratio, 3),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each command")
    args = parser.parse_args(argv)
    try:
        sdk = ensure_original_sdk()
    except OriginalSdkError as exc:
        print(f"error: the original SDK (the baseline) is unavailable:\n{exc}", file=sys.stderr)
        return 1
    compile_project()
    wcscmd = sdk.find_wcscmd()
    report: dict[str, Any] = {"when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    with tempfile.TemporaryDirectory(prefix="wcs-bench-start-") as folder:
        work = Path(folder)
        (work / "data").mkdir()
        emulator = Emulator(work / "data")
        try:
            hosts = {"put_url": emulator.put_url, "mgr_url": emulator.mgr_url}
            settings: dict[str, Any] = {"access_key": AK, "secret_key": SK, **hosts}
            cfg = write_wcscfg(work / "wcscfg", settings)
            with Wcs(WcsConfig(**settings)) as wcs:
                wcs.stream_upload([b"hello\n"], BUCKET, "start/hello.txt")
            env = {k: v for k, v in os.environ.items() if not k.startswith(("WCS_", "PYTHONPATH"))}
            target = f"wcs://{BUCKET}/start/hello.txt"
            print(f"{'':<16}{'client':<10}{'wall':>12}{'CPU':>12}   medians of {args.runs} runs")
            report["stat"] = compare(
                "stat",
                [str(Path(sys.executable).parent / "wcs-ext"), "-c", str(cfg), "stat", target],
                [str(sdk.python), str(wcscmd), "-c", str(cfg), "stat", target],
                env,
                args.runs,
            )
            report["import"] = compare(
                "import",
                [sys.executable, "-c", "import wcs_ext; from wcs_ext import Wcs"],
                [str(sdk.python), "-c", "from wcs.services.client import Client"],
                env,
                args.runs,
            )
        finally:
            emulator.stop()
    save("start", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
