"""The memory benchmark's /proc sampler (the benchmark itself runs in `make bench`)."""

from __future__ import annotations

import os

import pytest

from bench.bench_memory import parse_status, read_status

STATUS = """Name:\tpython3
State:\tS (sleeping)
Pid:\t4242
VmPeak:\t  412345 kB
VmSize:\t  401234 kB
VmHWM:\t   56320 kB
VmRSS:\t   51200 kB
RssAnon:\t   40000 kB
Threads:\t5
"""


def test_parse_status_reads_the_vm_lines_in_kib() -> None:
    values = parse_status(STATUS)
    assert values["VmHWM"] == 56320
    assert values["VmRSS"] == 51200
    assert "RssAnon" not in values
    assert "Threads" not in values


def test_a_zombie_has_no_memory_lines() -> None:
    assert parse_status("Name:\tpython3\nState:\tZ (zombie)\nThreads:\t1\n") == {}


@pytest.mark.skipif(not os.path.isfile("/proc/self/status"), reason="no /proc")
def test_read_status_of_this_process() -> None:
    values = read_status(os.getpid())
    assert values is not None
    assert values["VmHWM"] >= values["VmRSS"] > 0
