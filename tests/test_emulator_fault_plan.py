"""The emulator's fault plan (``wcs_ext/emulator/faults.py``): seeded, the same draws
for the same seed, download faults only when asked for, and ``--fault-kinds`` keeping
to the kinds named. No server: the plan is pure."""

from __future__ import annotations

import pytest

from wcs_ext.emulator.faults import (
    DOWNLOAD_KINDS,
    UPLOAD_KINDS,
    Fault,
    FaultKind,
    FaultPlan,
    is_eligible,
)
from wcs_ext.emulator.settings import EmulatorSettings

Draw = tuple[FaultKind, float, float] | None


def draws(plan: FaultPlan, paths: list[str]) -> list[Draw]:
    out: list[Draw] = []
    for path in paths:
        fault: Fault | None = None
        if plan.applies(path):
            fault = plan.next(download=path.startswith("/dl/"))
        out.append(None if fault is None else (fault.kind, fault.delay, fault.share))
    return out


MIXED = [("/dl/b/k" if n % 3 == 0 else f"/mkblk/4/{n}") for n in range(600)]


def test_the_same_seed_gives_the_same_faults_uploads_and_downloads() -> None:
    def run(seed: int) -> list[Draw]:
        return draws(FaultPlan(0.3, seed, downloads=True), MIXED)

    assert run(5) == run(5)
    assert run(5) != run(6)
    kinds = [(path, d[0]) for path, d in zip(MIXED, run(5), strict=True) if d]
    assert {k for p, k in kinds if p.startswith("/dl/")} == set(DOWNLOAD_KINDS)
    assert {k for p, k in kinds if not p.startswith("/dl/")} == set(UPLOAD_KINDS)
    for draw in run(5):
        if draw is not None:
            _, delay, share = draw
            assert 0.5 <= delay < 1.5
            assert 0.0 <= share < 1.0
            assert delay == 0.5 + share  # one draw for both: the sequence has 3 per request


def test_downloads_off_takes_no_draws_so_the_upload_sequence_stays() -> None:
    uploads = [p for p in MIXED if not p.startswith("/dl/")]
    without = draws(FaultPlan(0.3, 9), MIXED)
    assert all(d is None for p, d in zip(MIXED, without, strict=True) if p.startswith("/dl/"))
    only_uploads = [d for p, d in zip(MIXED, without, strict=True) if not p.startswith("/dl/")]
    assert only_uploads == draws(FaultPlan(0.3, 9), uploads)
    assert not is_eligible("/dl/b/k")
    assert is_eligible("/dl/b/k", downloads=True)
    assert not is_eligible("/fmgr/status", downloads=True)  # status polls: never


def test_fault_kinds_keep_to_the_kinds_named() -> None:
    plan = FaultPlan(1.0, 3, kinds=[FaultKind.ERROR_503], downloads=True)
    got = draws(plan, MIXED)
    assert {d[0] for d in got if d} == {FaultKind.ERROR_503}
    assert None not in got  # rate 1: a storm, every request
    # Only download kinds: uploads and management take no draws at all.
    plan = FaultPlan(1.0, 3, kinds=[FaultKind.DRIP, FaultKind.CUT_BODY], downloads=True)
    got = draws(plan, MIXED)
    assert all((d is None) != p.startswith("/dl/") for p, d in zip(MIXED, got, strict=True))
    assert {d[0] for d in got if d} == {FaultKind.DRIP, FaultKind.CUT_BODY}


def settings(kinds: list[str], *, downloads: bool = False) -> EmulatorSettings:
    return EmulatorSettings(
        data_dir="d", credentials={"ak": "sk"}, fault_kinds=kinds, fault_downloads=downloads
    )


def test_settings_check_the_fault_kinds() -> None:
    kinds = settings(["error-503", "error-503", "drop-before"]).fault_kinds
    assert kinds == (FaultKind.ERROR_503, FaultKind.DROP_BEFORE)
    with pytest.raises(ValueError, match="unknown fault kind 'boom': use one of error-500"):
        settings(["boom"])
    with pytest.raises(ValueError, match="drip apply to downloads only: add --fault-downloads"):
        settings(["drip"])
    assert settings(["drip"], downloads=True).fault_downloads
