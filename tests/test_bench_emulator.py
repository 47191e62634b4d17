"""The emulator benchmark's reading of /proc/PID/stat (the benchmark runs in `make bench`)."""

from __future__ import annotations

import os
import time

import pytest

from bench.bench_emulator import GIB, cpu_seconds_from_stat, per_gib, process_cpu_seconds

# Field 2 (the command) may hold spaces and parentheses: fields are counted after its last ")".
STAT = (
    "4242 (python (x) y) S 1 4242 4242 0 -1 4194304 9000 0 0 0 "
    "250 75 0 0 20 0 5 0 123456 401234567 12800 18446744073709551615"
)


def test_user_and_system_ticks_become_seconds() -> None:
    assert cpu_seconds_from_stat(STAT, 100) == pytest.approx(3.25)
    assert cpu_seconds_from_stat(STAT, 250) == pytest.approx(1.3)


def test_a_line_that_is_not_a_stat_line_is_refused() -> None:
    with pytest.raises(ValueError, match="not a /proc/PID/stat line"):
        cpu_seconds_from_stat("4242 (python) S 1 2 3", 100)
    with pytest.raises(ValueError, match="not a /proc/PID/stat line"):
        cpu_seconds_from_stat("no parentheses at all", 100)


def test_per_gib_scales_to_one_gib() -> None:
    assert per_gib(1.5, GIB // 4) == pytest.approx(6.0)
    assert per_gib(2.0, 2 * GIB) == pytest.approx(1.0)


@pytest.mark.skipif(not os.path.isfile("/proc/self/stat"), reason="no /proc")
def test_this_process_cpu_only_grows() -> None:
    first = process_cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.05
    while time.process_time() < deadline:
        pass
    assert process_cpu_seconds(os.getpid()) >= first > 0
