"""``Job.wait`` and ``AsyncJob.wait``: a submitted job followed to its end.

Against the emulator for what the server says; with a stand-in status source for the
schedule (how the waits grow, the deadline), whose sleeps are recorded, not slept.
"""

from __future__ import annotations

import asyncio
import io
import pickle
import time

import attrs
import pytest

import wcs_ext._sync._io
from tests.conftest import EmulatorProcess
from wcs_ext import (
    AsyncJob,
    AsyncWcs,
    ItemState,
    Job,
    JobState,
    WcsInputError,
    WcsJobTimeoutError,
)
from wcs_ext._job_polls import PollSchedule
from wcs_ext.models import Job as JobRecord
from wcs_ext.models import JobItem, JobStatus


def seed(emulator: EmulatorProcess, keys: list[str]) -> None:
    with emulator.client() as wcs:
        for key in keys:
            wcs.stream_upload(io.BytesIO(key.encode()), "e2e", key)


def test_fmgr_job_waits_for_its_end(emulator: EmulatorProcess) -> None:
    seed(emulator, ["wait/a.txt", "wait/b.txt"])
    with emulator.client() as wcs:
        job = wcs.fmgr.delete_prefix("e2e", "wait/")
        assert isinstance(job, Job)
        assert isinstance(job, JobRecord)  # what a submission answers, and more
        status = job.wait(timeout=30, poll=0.05)
        assert status.id == job.persistent_id
        assert (status.finished, status.succeeded) == (True, True)
        assert status.state is JobState.DONE
        assert [item.state for item in status.items] == [ItemState.SUCCEEDED]
        assert list(wcs.iter_objects("e2e", prefix="wait/")) == []


def test_fops_job_waits_and_reports_its_failed_command(emulator: EmulatorProcess) -> None:
    seed(emulator, ["wait/v.mov"])
    with emulator.client() as wcs:
        status = wcs.fops.execute("e2e", "wait/v.mov", "avthumb/mp4").wait(timeout=30, poll=0.05)
    # The emulator cannot transcode: the job ends, its command failed.
    assert (status.finished, status.succeeded) == (True, False)
    assert status.items[0].state is ItemState.FAILED


def test_async_job_waits_the_same_way(emulator: EmulatorProcess) -> None:
    seed(emulator, ["await/a.txt"])

    async def run() -> JobStatus:
        async with AsyncWcs(emulator.config()) as wcs:
            job = await wcs.fmgr.delete_prefix("e2e", "await/")
            assert isinstance(job, AsyncJob)
            return await job.wait(timeout=30, poll=0.05)

    status = asyncio.run(run())
    assert (status.finished, status.succeeded) == (True, True)


@attrs.define
class Statuses:
    """A job that is pending ``pending`` times, then done."""

    pending: int
    asked: int = 0

    def status(self, persistent_id: str) -> JobStatus:
        self.asked += 1
        code = JobState.PENDING if self.asked <= self.pending else JobState.DONE
        item = JobItem(cmd="c", code=ItemState.SUCCEEDED if code else ItemState.PENDING)
        return JobStatus(id=persistent_id, code=code, items=(item,), request_id="req")


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    recorded: list[float] = []
    monkeypatch.setattr(wcs_ext._sync._io, "sleep", recorded.append)
    return recorded


def test_the_wait_between_polls_grows_to_its_cap(sleeps: list[float]) -> None:
    statuses = Statuses(pending=6)
    job = Job(persistent_id="fmgr-1", request_id=None, statuses=statuses)
    status = job.wait(poll=1.0, max_poll=3.0)
    assert status.finished
    assert statuses.asked == 7
    assert sleeps == [1.0, 1.5, 2.25, 3.0, 3.0, 3.0]


def test_a_job_still_running_at_the_timeout_raises_with_its_last_status() -> None:
    job = Job(persistent_id="fmgr-2", request_id=None, statuses=Statuses(pending=10**6))
    started = time.monotonic()
    with pytest.raises(WcsJobTimeoutError) as caught:
        job.wait(timeout=0.2, poll=0.05)
    assert 0.2 <= time.monotonic() - started < 5
    assert caught.value.last_status.state is JobState.PENDING
    assert str(caught.value) == (
        "job fmgr-2 is still PENDING after 0.2 s; it goes on (request id req)"
    )


@pytest.mark.parametrize(
    ("timeout", "poll", "detail"),
    [(None, 0.0, "poll must be"), (-1.0, 1.0, "timeout must be"), (None, float("nan"), "poll")],
)
def test_bad_wait_settings_are_input_errors(
    timeout: float | None, poll: float, detail: str
) -> None:
    job = Job(persistent_id="fmgr-3", request_id=None, statuses=Statuses(pending=0))
    with pytest.raises(WcsInputError, match=detail):
        job.wait(timeout=timeout, poll=poll)


def test_the_last_wait_stops_at_the_deadline() -> None:
    schedule = PollSchedule.starting(100.0, timeout=4.0, poll=1.0, max_poll=10.0)
    assert [schedule.next_wait(now) for now in (100.0, 101.0, 102.5, 104.0)] == [
        1.0, 1.5, 1.5, None,
    ]  # fmt: skip


def test_a_job_pickles_and_shows_as_its_record_only(emulator: EmulatorProcess) -> None:
    with emulator.client() as wcs:
        job = wcs.fmgr.delete_prefix("e2e", "nothing-here/")
        data = pickle.dumps(job)
        assert emulator.secret_key.encode() not in data
        copy = pickle.loads(data)
        assert type(copy) is JobRecord
        assert (copy.persistent_id, copy.request_id) == (job.persistent_id, job.request_id)
        assert repr(job) == (
            f"Job(persistent_id={job.persistent_id!r}, request_id={job.request_id!r})"
        )
        job.wait(timeout=30, poll=0.05)


def test_states_print_their_names_and_compare_as_numbers() -> None:
    assert str(JobState.DONE) == f"{JobState.DONE}" == "DONE"
    assert JobState(3) is JobState.DONE
    assert JobState.DONE.value == 3
    assert str(ItemState.FAILED) == "FAILED"
    status = JobStatus(id="x", code=2)  # 2 is no task code
    assert status.state is None
