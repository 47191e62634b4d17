"""The README's performance table, written from the newest results under ``bench/results/``.

    python -m bench.readme_table          # after `make bench`, which also runs it

Each benchmark's newest JSON gives its rows; a benchmark without results gives none.
The table replaces what stands between the two marker comments in ``README.md``, so the
figures there are always ones ``make bench`` printed, never typed in by hand.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout that is not installed
    sys.path.insert(0, str(ROOT))

from bench.results import newest  # noqa: E402
from wcs_ext._atomic_file import atomic_file  # noqa: E402

README = ROOT / "README.md"
START = "<!-- bench-table:start (written by python -m bench.readme_table) -->"
END = "<!-- bench-table:end -->"

Row = tuple[str, str, str]
Report = Mapping[str, Any]


def _by_client(rows: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    return next(row for row in rows if str(row["client"]).startswith(prefix))


def upload_rows(report: Report) -> Iterator[Row]:
    comparison = report["comparison"]
    ours = _by_client(comparison["rows"], "wcs-ext")
    theirs = _by_client(comparison["rows"], "original")
    size = comparison["size_bytes"] >> 20
    yield (
        f"{size} MiB multipart upload on loopback (4 MiB blocks)",
        f"{ours['median_seconds']:.2f} s",
        f"{theirs['median_seconds']:.2f} s",
    )
    yield (
        "client CPU for it",
        f"{ours['median_cpu_seconds']:.2f} s",
        f"{theirs['median_cpu_seconds']:.2f} s (does no integrity check)",
    )


def wan_rows(report: Report) -> Iterator[Row]:
    for profile in report["profiles"].values():
        cells = []
        for client in ("wcs-ext", "original"):
            rates = [_by_client(profile[way]["rows"], client) for way in ("upload", "download")]
            shares = " / ".join(f"{r['share_of_link'] * 100:.0f}%" for r in rates)
            speeds = " / ".join(f"{r['mb_per_s']:.0f}" for r in rates)
            cells.append(f"{speeds} MB/s ({shares} of the link)")
        label = f"{profile['description']}, {profile['size_bytes'] >> 20} MiB: upload / download"
        yield (label, cells[0], cells[1])


def etag_rows(report: Report) -> Iterator[Row]:
    cells = [
        f"{row['median_seconds']:.2f} s ({row['share_of_sha1_limit'] * 100:.0f}% of SHA-1 "
        f"on {report['cpus']} cores)"
        for row in (_by_client(report["rows"], c) for c in ("wcs-ext", "original"))
    ]
    yield (f"`wcs_etag_cal` of a {report['size_bytes'] >> 20} MiB file", cells[0], cells[1])


def start_rows(report: Report) -> Iterator[Row]:
    for name, what in (("stat", "`stat` of one object"), ("import", "importing the client")):
        figures = report[name]
        yield (
            f"{what}, CPU",
            f"{figures['wcs_ext']['cpu_s'] * 1000:.0f} ms",
            f"{figures['original']['cpu_s'] * 1000:.0f} ms",
        )


def storm_rows(report: Report) -> Iterator[Row]:
    ours = _by_client(report["rows"], "wcs-ext")
    theirs = _by_client(report["rows"], "original")

    def cell(row: dict[str, Any]) -> str:
        return f"{row['requests_per_acknowledged_block']:.1f} ({row['outcome']})"

    storms = len(report.get("seeds", [report.get("seed")]))
    label = (
        f"requests per acknowledged block, {report['rate'] * 100:.0f}% of requests 503 "
        f"({storms} seeded storm{'s' if storms > 1 else ''})"
    )
    yield (label, cell(ours), cell(theirs))


def emulator_rows(report: Report) -> Iterator[Row]:
    if "ratio_current_over_baseline" in report:
        yield (
            f"the emulator's CPU per GiB received, against its {report['baseline']} self",
            f"{report['ratio_current_over_baseline']:.2f}x",
            "—",
        )


def memory_rows(report: Report) -> Iterator[Row]:
    peaks = {row["file"]: row["peak_rss_mib"] for row in report["rows"]}
    sizes = [name for name in peaks if name != "imports only"]
    yield (
        f"peak memory of an upload, {' / '.join(sizes)}",
        " / ".join(f"{peaks[name]:.0f} MiB" for name in sizes),
        "—",
    )


def sync_rows(report: Report) -> Iterator[Row]:
    medians = report["medians_s"]
    default = next(name for name in medians if "default" in name)
    cells = "; ".join(
        f"{name.replace(' (default)', '')}: {runs['first']:.1f} s / {runs['second']:.1f} s"
        for name, runs in sorted(medians.items(), key=lambda item: item[0] != default)
    )
    label = (
        f"`sync` of {report['files']:,} files of {report['size'] // 1024} KiB: first run / "
        "nothing to send"
    )
    yield (label, cells, "— (no sync)")


def dask_rows(report: Report) -> Iterator[Row]:
    medians = report["median_seconds"]
    yield (
        f"Dask job over {report['objects']} `wcs://` objects (put, etag check)",
        f"2 workers {medians['2']:.1f} s, 1 worker {medians['1']:.1f} s "
        f"({report['ratio_1_over_2']:.2f}x)",
        "— (no filesystem)",
    )


def limit_rate_rows(report: Report) -> Iterator[Row]:
    def share(row: dict[str, Any]) -> str:
        return f"{row['share_of_limit'] * 100:.0f}%"

    ours = {row["way"]: row for row in report["rows"]}
    theirs = report.get("original")
    yield (
        f"{report['size_bytes'] >> 20} MiB at a limit of {report['limit']}, "
        "achieved share of it: upload / download",
        f"{share(ours['upload'])} / {share(ours['download'])} (`--limit-rate`)",
        f"{share(theirs)} / — (`--traffic_limit`: per request)" if theirs else "—",
    )


RENDERERS: dict[str, Callable[[Report], Iterator[Row]]] = {
    "upload": upload_rows,
    "wan": wan_rows,
    "etag": etag_rows,
    "start": start_rows,
    "storm": storm_rows,
    "emulator": emulator_rows,
    "memory": memory_rows,
    "sync": sync_rows,
    "dask": dask_rows,
    "limit_rate": limit_rate_rows,
}


def render(reports: Mapping[str, Report]) -> str:
    lines = ["| | wcs-ext | original SDK |", "|---|---|---|"]
    for name, renderer in RENDERERS.items():
        if name in reports:
            lines += [f"| {a} | {b} | {c} |" for a, b, c in renderer(reports[name])]
    return "\n".join(lines)


def rewrite(text: str, table: str) -> str:
    """``text`` with the table between the markers replaced; the markers must be there."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README.md has no {START!r} ... {END!r} section")
    return text[: start + len(START)] + "\n" + table + "\n" + text[end:]


def main(argv: list[str] | None = None) -> int:
    reports = {n: r for n in RENDERERS if (r := newest(n)) is not None}
    if not reports:
        print("no results under bench/results/ yet: run make bench first")
        return 1
    text = rewrite(README.read_text(), render(reports))
    with atomic_file(README) as out:
        out.write(text.encode())
    print(f"README.md: performance table written from {', '.join(reports)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
