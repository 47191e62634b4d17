"""The pure parts of many-file runs: the sync plan, filters, keys to local paths, how
batches split into jobs, and the etag cache's rules (no server, a fake hasher)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wcs_ext.bulk.batch_plan import split_jobs
from wcs_ext.bulk.etag_cache import EtagCache, cache_file_for
from wcs_ext.bulk.filters import PathFilter
from wcs_ext.bulk.keys import key_of, local_rel, prefix_of, rel_of
from wcs_ext.bulk.local_tree import LocalFile, scan
from wcs_ext.bulk.sync_plan import RunawayDelete, check_delete_limit, plan_copy, plan_sync
from wcs_ext.errors import WcsInputError

# -- the plan ----------------------------------------------------------------------------


def test_a_file_is_sent_when_missing_resized_or_changed_and_skipped_when_the_same() -> None:
    asked: list[str] = []

    def same(rel: str) -> bool:
        asked.append(rel)
        return rel == "same"

    plan = plan_sync(
        {"new": 1, "resized": 5, "changed": 3, "same": 3},
        {"resized": 4, "changed": 3, "same": 3, "only-there": 9},
        same_content=same,
    )
    assert plan.send == ("changed", "new", "resized")
    assert plan.unchanged == ("same",)
    assert plan.delete == ()  # not asked to
    # Content is compared only where the sizes agree: no file read for nothing.
    assert sorted(asked) == ["changed", "same"]


def test_delete_takes_only_what_the_source_lacks_and_takes_part() -> None:
    excluded = PathFilter.of(exclude=["*.tmp", "keep/"])
    plan = plan_sync(
        {"a": 1},
        {"a": 1, "gone": 1, "x.tmp": 1, "keep/old": 1, "linked": 1},
        same_content=lambda rel: True,
        delete=True,
        selects=excluded.selects,
        protected=lambda rel: rel == "linked",
    )
    assert plan.delete == ("gone",)


def test_excluded_and_protected_files_are_not_sent() -> None:
    only_jpg = PathFilter.of(include=["*.jpg"], exclude=["private/"])
    plan = plan_copy(
        {"a.jpg": 1, "b.txt": 1, "private/c.jpg": 1, "d.jpg": 1},
        selects=only_jpg.selects,
        protected=lambda rel: rel == "d.jpg",
    )
    assert plan.send == ("a.jpg",)


def test_max_delete_refuses_a_larger_plan_with_nothing_done() -> None:
    plan = plan_sync({}, {"a": 1, "b": 1, "c": 1}, same_content=lambda rel: True, delete=True)
    check_delete_limit(plan, 3)
    check_delete_limit(plan, None)
    with pytest.raises(RunawayDelete, match="refusing to delete 3 files, more than --max-delete 2"):
        check_delete_limit(plan, 2)
    assert isinstance(RunawayDelete("x"), WcsInputError)  # exit 2, one line


def test_filters_follow_gitignore_rules_relative_to_the_root() -> None:
    rules = PathFilter.of(exclude=["/build", "*.o", "!keep.o", "cache/"])
    assert not rules.selects("build/x")
    assert rules.selects("src/build/x")  # anchored at the root only
    assert not rules.selects("src/a.o")
    assert rules.selects("src/keep.o")
    assert not rules.selects("deep/cache/x")
    assert rules.selects("a.c")


# -- keys and local paths ------------------------------------------------------------------


def test_prefixes_are_folders() -> None:
    assert prefix_of("") == ""
    assert prefix_of("photos") == prefix_of("photos/") == "photos/"
    assert key_of("photos/", "a b/ü.jpg") == "photos/a b/ü.jpg"
    assert rel_of("photos/", "photos/x/y") == "x/y"
    with pytest.raises(WcsInputError, match="1000"):
        key_of("p/", "x" * 1000)


@pytest.mark.parametrize(
    "key", ["..", "../evil", "a/../../evil", "/abs", "a//b", "ok/./x", "dir/..", "dir/"]
)
def test_a_key_that_could_leave_the_target_makes_no_local_path(key: str) -> None:
    with pytest.raises(WcsInputError):
        local_rel(key)


def test_keys_become_safe_components() -> None:
    assert local_rel("a b/ünï.txt") == "a b/ünï.txt"
    assert local_rel("back\\slash") == "back_slash"
    assert local_rel("esc\x1b[2J") == "esc_[2J"
    assert local_rel("...") == "..."  # an ordinary name, not a parent


# -- batches -------------------------------------------------------------------------------


def test_batches_split_by_count_and_by_bytes_in_order() -> None:
    ops = [f"op{i}" for i in range(7)]
    assert split_jobs(ops, max_ops=3) == [range(0, 3), range(3, 6), range(6, 7)]
    assert split_jobs([], max_ops=3) == []
    # Each op is 3 bytes, joined by ";": two make 7 bytes, three 11.
    assert split_jobs(ops, max_ops=100, max_bytes=10) == [
        range(0, 2), range(2, 4), range(4, 6), range(6, 7),
    ]  # fmt: skip
    # A single op longer than the bound still goes, alone.
    assert split_jobs(["x" * 50, "y"], max_bytes=10) == [range(0, 1), range(1, 2)]
    every = [i for job in split_jobs(ops, max_ops=2) for i in job]
    assert every == list(range(7))


# -- the etag cache ------------------------------------------------------------------------


def _stamp(path: Path) -> LocalFile:
    info = path.stat()
    return LocalFile(
        path=path, size=info.st_size, mtime_ns=info.st_mtime_ns,
        ctime_ns=info.st_ctime_ns, inode=info.st_ino,
    )  # fmt: skip


class CountingHasher:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, path: Path) -> str:
        self.calls += 1
        return f"etag-of-{path.read_bytes().decode()}"


def _later(file: LocalFile) -> int:
    return max(file.mtime_ns, file.ctime_ns) + 5_000_000_000


def test_the_cache_rereads_a_file_whose_stamp_changed_and_saves_between_runs(
    tmp_path: Path,
) -> None:
    data = tmp_path / "a.txt"
    data.write_text("one")
    cache_path = tmp_path / "cache" / "etags.json"
    hasher = CountingHasher()
    stamp = _stamp(data)
    cache = EtagCache(cache_path, hasher=hasher, clock_ns=lambda: _later(stamp))
    assert cache.etag("a.txt", stamp) == "etag-of-one"
    assert cache.etag("a.txt", stamp) == "etag-of-one"
    assert hasher.calls == 1
    cache.save(["a.txt"])
    assert os.stat(cache_path).st_mode & 0o777 == 0o600

    again = EtagCache(cache_path, hasher=hasher, clock_ns=lambda: _later(stamp))
    assert again.etag("a.txt", stamp) == "etag-of-one"
    assert hasher.calls == 1  # from the file, not read again
    # Same size, mtime put back: ctime moved, so the file is read again.
    info = data.stat()
    data.write_text("two")
    os.utime(data, ns=(info.st_atime_ns, info.st_mtime_ns))
    edited = _stamp(data)
    assert (edited.size, edited.mtime_ns) == (stamp.size, stamp.mtime_ns)
    assert again.etag("a.txt", edited) == "etag-of-two"
    assert hasher.calls == 2


def test_the_cache_keeps_no_file_changed_in_the_last_second(tmp_path: Path) -> None:
    data = tmp_path / "a.txt"
    data.write_text("one")
    hasher = CountingHasher()
    stamp = _stamp(data)
    cache = EtagCache(None, hasher=hasher, clock_ns=lambda: stamp.ctime_ns + 10_000)
    cache.etag("a.txt", stamp)
    cache.etag("a.txt", stamp)
    assert hasher.calls == 2


def test_a_damaged_cache_file_is_ignored_and_none_is_written_without_a_path(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "etags.json"
    broken.write_text("{not json")
    hasher = CountingHasher()
    data = tmp_path / "a.txt"
    data.write_text("x")
    assert EtagCache(broken, hasher=hasher).etag("a.txt", _stamp(data)) == "etag-of-x"
    off = EtagCache(None, hasher=hasher)
    off.save(["a.txt"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "etags.json"]
    assert cache_file_for(tmp_path, tmp_path) != cache_file_for(tmp_path / "a.txt", tmp_path)


# -- the local walk ------------------------------------------------------------------------


def test_the_walk_takes_regular_files_and_leaves_links_alone(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "empty").mkdir()
    (tmp_path / "sub" / "a b.txt").write_text("a")
    (tmp_path / "x.tmp").write_text("t")
    (tmp_path / "link").symlink_to("/etc/hostname")
    (tmp_path / "dirlink").symlink_to(tmp_path / "sub")
    tree = scan(tmp_path, PathFilter.of(exclude=["*.tmp"]).selects)
    assert sorted(tree.files) == ["sub/a b.txt"]
    assert sorted(entry.rel for entry in tree.skipped) == ["dirlink", "link"]
    assert all("symbolic link" in entry.reason for entry in tree.skipped)
    assert tree.protects("link")
    assert not tree.protects("sub/a b.txt")


# -- where a download goes ---------------------------------------------------------------


def test_a_folder_made_by_another_download_meanwhile_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Downloads run in parallel: between one finding a folder missing and making it,
    another may make it. That is the folder wanted, not a failure (seen in `get -r`)."""
    from wcs_ext.bulk.tree_run import safe_destination

    real_lstat = Path.lstat
    raced: list[Path] = []

    def lstat_before_the_other(self: Path) -> os.stat_result:
        if self.name == "sub dir" and not raced:
            raced.append(self)
            self.mkdir()  # the other download, in between
            raise FileNotFoundError(self)
        return real_lstat(self)

    monkeypatch.setattr(Path, "lstat", lstat_before_the_other)
    target = safe_destination(tmp_path, "sub dir/b.txt")
    assert raced
    assert target == tmp_path / "sub dir" / "b.txt"
    assert (tmp_path / "sub dir").is_dir()
