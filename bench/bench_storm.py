"""Retry storm: requests sent per acknowledged block under a storm of 503s, wcs-ext and
the original SDK side by side, on one emulator.

Run from the project root::

    python -m bench.bench_storm                    # 8 blocks, 50 % of requests 503
    python -m bench.bench_storm --rate 0.8 --blocks 4

The emulator (``wcs-ext emulator --fault-rate R --fault-kinds error-503``) answers a
seeded share R of all requests ``503`` + ``Retry-After: 0``, before doing anything. Each
client makes one multipart upload of a random file of N blocks (blocks and chunks of
4 MiB, so each block is one mkblk, 4 blocks in flight, 6 retries per step) and every
request it puts on the wire is counted at its HTTP layer (an httpx transport for
wcs-ext, ``requests``' adapter for the original, see ``tests/interop/counted_calls.py``).
A block counts as acknowledged when its mkblk was answered 200.

"requests per acknowledged block" is what a storm costs the server: a client that
retries blindly, or whose failed upload must start again, sends more for the same
work. Even a perfect client needs ``1 / (1 - R)`` per request on average; the table
gives that floor too. The emulator's fault sequence is seeded, but the blocks in flight
race for its draws, so counts move a little from run to run. No wall time is measured.

The original retries a 500, a 408 and a failed connection, never a 503: a block
answered 503 is lost, and the upload fails with the blocks it had; its requests per
acknowledged block are then those of a failed upload (and the blocks must go again).
Results are printed and written as JSON under ``bench/results/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout that is not installed
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.bench_upload import AK, BUCKET, MIB, SK, Emulator, write_random_file  # noqa: E402
from bench.results import save  # noqa: E402
from tests.original_sdk import (  # noqa: E402
    INTEROP_DIR,
    OriginalSdk,
    OriginalSdkError,
    ensure_original_sdk,
    write_wcscfg,
)
from wcs_ext import Wcs, WcsConfig  # noqa: E402
from wcs_ext._version import __version__  # noqa: E402
from wcs_ext.errors import WcsError  # noqa: E402

BLOCK = 4 * MIB
RETRIES = 6

Sent = tuple[str, str, int | str]
"""One request on the wire: method, path, status (or the name of a transport error)."""


def storm_counts(sent: Iterable[Sent]) -> dict[str, Any]:
    """What a list of requests says: how many, of which kind, how many blocks were
    acknowledged (distinct ``/mkblk/SIZE/INDEX`` answered 200: one chunk per block) and
    whether the file was made (a ``/mkfile/`` answered 200)."""
    sent = list(sent)
    kinds: Counter[str] = Counter(path.split("/")[1] for _, path, _ in sent)
    acked = {path for _, path, status in sent if path.startswith("/mkblk/") and status == 200}
    made = any(path.startswith("/mkfile/") and status == 200 for _, path, status in sent)
    busy = sum(1 for _, _, status in sent if status == 503)
    per_block = round(len(sent) / len(acked), 3) if acked else None
    return {
        "requests": len(sent),
        "by_kind": dict(sorted(kinds.items())),
        "answered_503": busy,
        "blocks_acknowledged": len(acked),
        "file_made": made,
        "requests_per_acknowledged_block": per_block,
    }


class CountingTransport(httpx.BaseTransport):
    """A real transport that notes every request it sends, and its answer."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self._lock = threading.Lock()
        self.sent: list[Sent] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = self._inner.handle_request(request)
        except httpx.HTTPError as exc:
            self._note((request.method, request.url.path, type(exc).__name__))
            raise
        self._note((request.method, request.url.path, response.status_code))
        return response

    def _note(self, entry: Sent) -> None:
        with self._lock:
            self.sent.append(entry)

    def close(self) -> None:
        self._inner.close()


def _settings(emulator: Emulator, work: Path) -> dict[str, Any]:
    return {
        "access_key": AK,
        "secret_key": SK,
        "put_url": emulator.put_url,
        "mgr_url": emulator.mgr_url,
        "block_size": BLOCK,
        "bput_size": BLOCK,
        "concurrency": 4,
        "mkblk_retries": RETRIES,
        "bput_retries": RETRIES,
        "mkfile_retries": RETRIES,
    }


def run_wcs_ext(emulator: Emulator, path: Path, work: Path) -> dict[str, Any]:
    transport = CountingTransport()
    config = WcsConfig(**_settings(emulator, work), tmp_record_folder=str(work / "records"))
    outcome = "stored"
    with Wcs(config, transport=transport) as wcs:
        try:
            wcs.multipart_upload(path, BUCKET, "storm/wcs-ext")
        except WcsError as exc:
            outcome = f"failed: {type(exc).__name__}"
    return {"client": "wcs-ext", "outcome": outcome, **storm_counts(transport.sent)}


def run_original(sdk: OriginalSdk, emulator: Emulator, path: Path, work: Path) -> dict[str, Any]:
    cfg = write_wcscfg(
        work / "wcscfg",
        {**_settings(emulator, work), "tmp_record_folder": str(work / "original-records")},
    )
    calls = [{"method": "multipart_upload", "args": [str(path), BUCKET, "storm/original"]}]
    sent_file = work / "original-sent.json"
    plan = json.dumps({"config": str(cfg), "calls": calls})
    done = sdk.run([str(INTEROP_DIR / "counted_calls.py"), str(sent_file)], stdin=plan, timeout=600)
    if done.returncode != 0:
        raise OriginalSdkError(f"counted_calls.py exited {done.returncode}:\n{done.stderr[-5000:]}")
    result = json.loads(done.stdout)["results"][0]
    stored = isinstance(result, list) and result[0] == 200
    outcome = "stored" if stored else "failed: not stored"
    sent: list[Sent] = [(m, p, s) for m, p, s in json.loads(sent_file.read_text())]
    return {"client": "original", "outcome": outcome, **storm_counts(sent)}


def report(rows: list[dict[str, Any]], rate: float, blocks: int, storms: int = 1) -> list[str]:
    """The printed table and ratios (``blocks`` in each of ``storms`` storms)."""
    floor = (blocks + 1) / (1 - rate) / blocks if rate < 1 else math.inf
    lines = [
        f"== retry storm: {blocks} blocks of 4 MiB, {rate:.0%} of requests answered 503 "
        f"(Retry-After: 0), {RETRIES} retries per step; floor {floor:.2f} requests per block",
        f"{'client':<12}{'requests':>10}{'503s':>7}{'blocks acked':>14}{'file':>7}"
        f"{'requests/acked block':>22}  outcome",
    ]
    for row in rows:
        per_block = row["requests_per_acknowledged_block"]
        made = "yes" if row["file_made"] else "no"
        lines.append(
            f"{row['client']:<12}{row['requests']:>10}{row['answered_503']:>7}"
            f"{row['blocks_acknowledged']:>8}/{blocks * storms:<5}{made:>7}"
            f"{'-' if per_block is None else f'{per_block:.2f}':>22}  {row['outcome']}"
        )
    by_client = {row["client"]: row["requests_per_acknowledged_block"] for row in rows}
    ours, theirs = by_client.get("wcs-ext"), by_client.get("original")
    if ours and theirs:
        lines.append(
            f"ratio original/wcs-ext requests per acknowledged block "
            f"(above 1 = wcs-ext sends fewer): {theirs / ours:.2f}x"
        )
    elif "original" in by_client:
        lines.append("ratio original/wcs-ext: none, a client acknowledged no block")
    return lines


def combine(storms: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Each client's rows of several seeded storms as one: the sums, the requests per
    block acknowledged over all of them, and how many storms ended with the file."""
    combined = []
    for client in dict.fromkeys(row["client"] for rows in storms for row in rows):
        runs = [row for rows in storms for row in rows if row["client"] == client]
        acked = sum(row["blocks_acknowledged"] for row in runs)
        requests = sum(row["requests"] for row in runs)
        stored = sum(1 for row in runs if row["outcome"] == "stored")
        failures = sorted({row["outcome"] for row in runs if row["outcome"] != "stored"})
        combined.append(
            {
                "client": client,
                "outcome": f"stored {stored} of {len(runs)}"
                + (f" ({', '.join(failures)})" if failures else ""),
                "requests": requests,
                "answered_503": sum(row["answered_503"] for row in runs),
                "blocks_acknowledged": acked,
                "file_made": stored == len(runs),
                "requests_per_acknowledged_block": requests / acked if acked else None,
                "storms": runs,
            }
        )
    return combined


def one_storm(
    sdk: OriginalSdk | None, work: Path, rate: float, seed: int, blocks: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Both clients through one seeded storm; the rows, and why the original did not run."""
    rows: list[dict[str, Any]] = []
    (work / "data").mkdir()
    faults = ["--fault-rate", str(rate), "--fault-seed", str(seed)]
    emulator = Emulator(work / "data", [*faults, "--fault-kinds", "error-503"])
    why_not = None
    try:
        path = write_random_file(work / "storm.bin", blocks * BLOCK)
        rows.append(run_wcs_ext(emulator, path, work))
        if sdk is not None:
            try:
                rows.append(run_original(sdk, emulator, path, work))
            except (OriginalSdkError, OSError, ValueError) as exc:
                why_not = f"the original could not run: {str(exc).splitlines()[0]}"
    finally:
        emulator.stop()
    return rows, why_not


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rate", type=float, default=0.5, help="share of requests answered 503")
    parser.add_argument("--blocks", type=int, default=8, help="blocks of 4 MiB in the file")
    parser.add_argument(
        "--seeds",
        default="1,2,3,4,5,6,7",
        help="seeds of the emulator's faults, one storm each (one storm is luck: with 50%% "
        "failing, 7 failures in a row of one step come in about 1 of 128)",
    )
    parser.add_argument("--skip-original", action="store_true", help="wcs-ext alone")
    args = parser.parse_args(argv)
    seeds = [int(seed) for seed in args.seeds.split(",") if seed]
    sdk: OriginalSdk | None = None
    why_alone: str | None = "--skip-original"
    if not args.skip_original:
        try:
            sdk = ensure_original_sdk()
            why_alone = None
        except OriginalSdkError as exc:
            why_alone = f"the original SDK is unavailable: {str(exc).splitlines()[0]}"
    storms = []
    with tempfile.TemporaryDirectory(prefix="wcs-bench-storm-") as folder:
        for seed in seeds:
            work = Path(folder) / f"seed-{seed}"
            work.mkdir()
            rows, why_not = one_storm(sdk, work, args.rate, seed, args.blocks)
            storms.append(rows)
            why_alone = why_alone or why_not
    rows = combine(storms)
    lines = report(rows, args.rate, args.blocks, len(seeds))
    lines.insert(1, f"({len(seeds)} seeded storms: {args.blocks} blocks each, summed)")
    if len(rows) == 1:
        lines.append(f"(wcs-ext alone: {why_alone})")
    print("\n".join(lines) + "\n", flush=True)
    result = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count()},
        "wcs_ext": __version__,
        "rate": args.rate,
        "seeds": seeds,
        "blocks": args.blocks,
        "rows": rows,
    }
    save("storm", result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
