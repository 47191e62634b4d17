"""Hostile and broken surroundings of the real `wcs-ext`, run as a subprocess.

A disk that fills up while a listing is saved, a config file that is a symlink, a
device or unparseable, object keys made of terminal control sequences, files the user
may not read, a record folder that cannot be one. Each must end in the state a user
expects: old files intact, one clear line, the documented exit code.
"""

from __future__ import annotations

import ast
import ctypes
import errno
import json
import os
import resource
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli_helpers import (  # noqa: F401  (the cli fixture)
    Cli,
    assert_ok,
    assert_one_line_error,
    cli,
    describe,
    json_lines,
)
from tests.test_cli_e2e import seed
from wcs_ext import WcsConfig
from wcs_ext._atomic_file import atomic_file
from wcs_ext.cli._context import json_text
from wcs_ext.cli._output import printable

CLI_PACKAGE = Path(__file__).resolve().parent.parent / "wcs_ext" / "cli"

# -- helpers ---------------------------------------------------------------------------


def file_size_limit(size: int) -> Callable[[], None]:
    """A child whose files cannot grow beyond ``size`` bytes (a disk that is full)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


def memory_limit() -> None:
    """A child that cannot take the machine down however much it reads."""
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def as_user_without_override() -> None:
    """Root in the child loses the right to read any file: file modes apply to it too."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, cap_dac_override, cap_dac_read_search = 24, 1, 2
    for capability in (cap_dac_override, cap_dac_read_search):
        if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- 1. every file the CLI writes appears whole, or not at all -------------------------

ATOMIC = {f"atomic/{i:03d}.txt": b"x" * i for i in range(40)}


@pytest.mark.parametrize("command", ["list", "listall"])
def test_resfile_that_cannot_be_written_leaves_the_old_file(cli: Cli, command: str) -> None:
    seed(cli.emulator, "e2e", ATOMIC)
    resfile = cli.workdir / "listing.json"
    old = "the listing of yesterday\n" * 200  # larger than the limit: it was written before
    resfile.write_text(old)
    before = listing(cli.workdir)
    result = cli.run(
        command, "wcs://e2e", "listing.json", "--prefix", "atomic/",
        preexec_fn=file_size_limit(2048),
    )  # fmt: skip
    assert_one_line_error(result, 1, "File too large", "listing.json")
    assert resfile.read_text() == old
    assert listing(cli.workdir) == before  # no temporary file left

    # Without the limit the file is replaced whole, its mode kept, nothing else left.
    resfile.chmod(0o640)
    assert_ok(cli.run(command, "wcs://e2e", "listing.json", "--prefix", "atomic/"))
    pages = json_lines(resfile.read_text())
    assert sum(len(page["items"]) for page in pages) == len(ATOMIC)
    assert stat.S_IMODE(resfile.stat().st_mode) == 0o640
    assert listing(cli.workdir) == before


def test_resfile_through_a_symlink_writes_the_target(cli: Cli) -> None:
    seed(cli.emulator, "e2e", ATOMIC)
    (cli.workdir / "saved").mkdir()
    target = cli.workdir / "saved" / "page.json"
    target.write_text("old\n")
    link = cli.workdir / "page.json"
    link.symlink_to(Path("saved") / "page.json")
    assert_ok(cli.run("list", "wcs://e2e", "page.json", "--prefix", "atomic/", "--limit", "3"))
    assert link.is_symlink()
    assert len(json.loads(target.read_text())["items"]) == 3
    assert listing(cli.workdir / "saved") == ["page.json"]


def write_half_then_fill_the_disk(target: Path) -> None:
    with atomic_file(target) as out:
        out.write(b"the first half of the new")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_write_that_fails_midway_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old\n")
    with pytest.raises(OSError, match="No space left") as raised:
        write_half_then_fill_the_disk(target)
    assert raised.value.errno == errno.ENOSPC
    assert raised.value.filename == str(target)  # the file the user named, not the temp
    assert target.read_text() == "old\n"
    assert listing(tmp_path) == ["out.json"]


def test_a_write_that_fails_when_flushed_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(fd: int) -> None:  # NFS and friends report a full disk only here
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    target = tmp_path / "out.json"
    target.write_text("old\n")
    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"), atomic_file(target) as out:
        out.write(b"new\n")
    assert target.read_text() == "old\n"
    assert listing(tmp_path) == ["out.json"]


# -- 2. --configure never loses a config -----------------------------------------------

KEEP_ALL = "\n" * 19 + "y\n"  # Enter for every question, then "Save settings? y"
KEEP_REST = "\n" * 18 + "y\n"  # the same after an answer to the first question


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[default]\naccess_key = ak\nsecret_key = sk-12345678\nnot a setting\n", "line 4"),
        (b"[default]\naccess_key = caf\xe9\nsecret_key = sk-12345678\n", "line 2"),
        ("[default]\naccess_key = ak\nsecret_key = sk-12345678\nblock_size = lots\n", "line 4"),
    ],
    ids=["bad-line", "not-utf8", "bad-value"],
)
def test_configure_refuses_a_config_it_cannot_read_and_changes_nothing(
    cli: Cli, text: str | bytes, where: str
) -> None:
    home_config = cli.workdir / ".wcscfg"  # HOME is the working directory
    data = text.encode() if isinstance(text, str) else text
    home_config.write_bytes(data)
    home_config.chmod(0o600)
    before = listing(cli.workdir)
    result = cli.run("--configure", with_config=False, stdin=KEEP_ALL)
    line = assert_one_line_error(result, 2, f"~/.wcscfg {where}")
    assert "sk-12345678" not in line
    assert home_config.read_bytes() == data
    assert listing(cli.workdir) == before

    explicit = cli.run("-c", ".wcscfg", "--configure", with_config=False, stdin=KEEP_ALL)
    assert_one_line_error(explicit, 2, f".wcscfg {where}")
    assert home_config.read_bytes() == data


def test_configure_creates_a_new_file_and_a_new_profile(cli: Cli) -> None:
    fresh = cli.run("-c", "fresh.cfg", "--configure", with_config=False, stdin="ak-1\n" + KEEP_REST)
    assert_ok(fresh)
    path = cli.workdir / "fresh.cfg"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert WcsConfig.load(path, env={}).access_key == "ak-1"

    profile = cli.run(
        "-c", "fresh.cfg", "--profile", "new", "--configure",
        with_config=False, stdin="ak-2\n" + KEEP_REST,
    )  # fmt: skip
    assert_ok(profile)
    assert WcsConfig.load(path, profile="new", env={}).access_key == "ak-2"
    assert WcsConfig.load(path, env={}).access_key == "ak-1"


def test_configure_writes_through_a_symlinked_config(cli: Cli) -> None:
    (cli.workdir / "dotfiles").mkdir()
    target = cli.workdir / "dotfiles" / "wcscfg"
    target.write_text("[default]\naccess_key = old-ak\nsecret_key = old-secret-1\n")
    target.chmod(0o644)
    link = cli.workdir / ".wcscfg"
    link.symlink_to(Path("dotfiles") / "wcscfg")
    result = cli.run("--configure", with_config=False, stdin="new-ak\n" + KEEP_REST)
    assert_ok(result)
    assert link.is_symlink()
    assert os.readlink(link) == str(Path("dotfiles") / "wcscfg")
    config = WcsConfig.load(target, env={})
    assert (config.access_key, config.secret_key) == ("new-ak", "old-secret-1")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # it holds keys
    assert listing(cli.workdir / "dotfiles") == ["wcscfg"]


# -- 3. control characters never reach the terminal raw --------------------------------

HOSTILE = {
    "inj/esc\x1b[31mred": r"inj/esc\x1b[31mred",
    "inj/title\x1b]0;pwned\x07": r"inj/title\x1b]0;pwned\x07",
    "inj/cr\rfake": r"inj/cr\rfake",
    "inj/lf\n      1 B  2026-01-01 00:00:00  fake": r"inj/lf\n      1 B",
    "inj/c1\x9b31m": r"inj/c1\x9b31m",
    "inj/del\x7f": r"inj/del\x7f",
    "inj/tab\tx": r"inj/tab\tx",
    "inj/bidi\u202eevil": r"inj/bidi\u202eevil",
}


def assert_printable(text: str) -> None:
    lines = text.split("\n")
    assert lines[-1] == ""
    for line in lines[:-1]:
        assert line.isprintable(), repr(line)


def test_control_characters_are_escaped_in_human_output(cli: Cli) -> None:
    seed(cli.emulator, "e2e", dict.fromkeys(HOSTILE, b"x"))
    listed = cli.ok("list", "wcs://e2e", "--prefix", "inj/")
    assert_printable(listed.stdout)
    assert len(listed.stdout.splitlines()) == len(HOSTILE)
    for escaped in HOSTILE.values():
        assert escaped in listed.stdout, listed.stdout

    for key, escaped in HOSTILE.items():  # the whole key on the first line
        shown = cli.ok("stat", f"wcs://e2e/{key}")
        assert_printable(shown.stdout)
        assert escaped in shown.stdout.splitlines()[0], shown.stdout

    deleted = cli.ok("del", "wcs://e2e/inj/cr\rfake")
    assert deleted.stdout == "deleted wcs://e2e/inj/cr\\rfake\n"

    # --json stays exact: the keys come back as they are.
    documents = cli.json("list", "wcs://e2e", "--prefix", "inj/")
    assert sorted(d["key"] for d in documents) == sorted(set(HOSTILE) - {"inj/cr\rfake"})
    assert_printable(cli.ok("--json", "list", "wcs://e2e", "--prefix", "inj/").stdout)


def test_control_characters_are_escaped_in_errors_on_a_terminal(cli: Cli) -> None:
    code, stdout, stderr = cli.run_on_terminal("stat", "wcs://e2e/nope\x1b]0;pwned\x07")
    assert (code, stdout) == (1, ""), stderr
    assert "\x1b" not in stderr
    assert r"nope\x1b]0;pwned\x07" in stderr

    code, stdout, stderr = cli.run_on_terminal("no\x1b[2Jcommand")
    assert code == 2, stderr
    assert "\x1b" not in stderr
    assert r"no\x1b[2Jcommand" in stderr


def test_every_line_for_people_goes_through_the_one_escaping_echo() -> None:
    for path in sorted(CLI_PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"echo", "secho"}
                and isinstance(node.value, ast.Name)
                and node.value.id == "click"
            ):
                assert path.name == "_output.py", f"{path.name}:{node.lineno}: use _output.echo"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain é 日本 \\x1b", "plain é 日本 \\x1b"),  # a backslash stays (--json tells)
        ("\x1b[31m\x07\x00", r"\x1b[31m\x07\x00"),
        ("\r\n\t", r"\r\n\t"),
        ("\x7f\x85\x9b", r"\x7f\x85\x9b"),
        ("\u202e\u2066\u2028\udcff", r"\u202e\u2066\u2028\udcff"),
    ],
)
def test_the_escaping_rule(text: str, shown: str) -> None:
    assert printable(text) == shown
    assert json.loads(json_text(text)) == text  # --json: the same value
    assert json_text(text).isprintable()


# -- 4. bad input is exit 2 and one line, wherever it is found --------------------------


def test_nul_in_a_url_is_bad_input(cli: Cli) -> None:
    # A NUL in the name a URL gives: the one safe-name rule makes it "_", never a crash.
    seed(cli.emulator, "e2e", {"nul\x00name": b"x"})
    named = cli.run("get", cli.emulator.url_of("e2e", "nul\x00name"))
    assert named.returncode == 0, named.stderr
    assert (cli.workdir / "nul_name").read_bytes() == b"x"
    bad_port = cli.run("get", "http://127.0.0.1:1%00/x", "out.bin")
    assert_one_line_error(bad_port, 2, "URL", "1%00")
    assert listing(cli.workdir) == ["nul_name", "wcscfg"]


@pytest.mark.parametrize(
    "args",
    [
        ("put", "wcs://e2e/unreadable.txt", "secret.txt"),
        ("multiput", "wcs://e2e/unreadable.txt", "secret.txt"),
        ("etag", "secret.txt"),
        ("crc64", "secret.txt"),
    ],
    ids=lambda args: args[0],
)
def test_an_unreadable_file_is_bad_input_like_a_missing_one(
    cli: Cli, args: tuple[str, ...]
) -> None:
    (cli.workdir / "secret.txt").write_text("not yours\n")
    (cli.workdir / "secret.txt").chmod(0)
    unreadable = cli.run(*args, preexec_fn=as_user_without_override)
    assert_one_line_error(unreadable, 2, "secret.txt")
    missing = cli.run(*(arg.replace("secret.txt", "missing.txt") for arg in args))
    assert_one_line_error(missing, 2, "missing.txt")


def test_an_unusable_record_folder_names_the_setting(cli: Cli) -> None:
    (cli.workdir / "hello.txt").write_text("hello\n")
    (cli.workdir / "a-file").write_text("not a folder\n")
    for folder in ("a-file", "a-file/records"):
        config = cli.write_config("records.cfg", tmp_record_folder=cli.workdir / folder)
        result = cli.run("multiput", "wcs://e2e/rec.txt", "hello.txt", config=config)
        assert_one_line_error(result, 2, "tmp_record_folder", "records.cfg", folder)
    from_env = cli.run(
        "multiput", "wcs://e2e/rec.txt", "hello.txt",
        env={"WCS_TMP_RECORD_FOLDER": str(cli.workdir / "a-file")},
    )  # fmt: skip
    assert_one_line_error(from_env, 2, "tmp_record_folder", "WCS_TMP_RECORD_FOLDER")


def test_library_warnings_reach_the_terminal_escaped(cli: Cli) -> None:
    # The warning about an unreadable resume record names its path, which comes from
    # the config: it was printed raw by Python's last-resort handler.
    folder = cli.workdir / "rec\x1b]0;owned\x07"
    folder.mkdir()
    (folder / "nightly.json").write_text("not a record\n")
    (cli.workdir / "hello.txt").write_text("hello\n")
    config = cli.write_config("records.cfg", tmp_record_folder=folder)
    result = cli.run(
        "multiput", "wcs://e2e/warned.txt", "hello.txt", "--upload-id", "nightly", config=config
    )
    assert_ok(result)
    assert "ignoring unreadable resume record" in result.stderr
    assert "\x1b" not in result.stderr
    assert "\x07" not in result.stderr
    assert printable(str(folder)) in result.stderr


def test_debug_keeps_the_exit_codes_and_usage_errors_stay_one_line(cli: Cli) -> None:
    usage = cli.run("--debug", "stat", "e2e/no-scheme")
    assert_one_line_error(usage, 2, "wcs://")
    config = cli.run("--debug", "-c", "missing.cfg", "listbucket", with_config=False)
    assert_one_line_error(config, 2, "missing.cfg")

    failed = cli.run("--debug", "stat", "wcs://nobucket/k")
    assert failed.returncode == 1, describe(failed)
    assert "Traceback" in failed.stderr  # what --debug is for
    assert failed.stderr.splitlines()[-1].startswith("error: HTTP 404")


def test_debug_shows_the_traceback_of_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from wcs_ext.cli import _app, checksums

    def broken(path: object) -> str:
        raise RuntimeError("a bug")

    (tmp_path / "file.txt").write_text("x")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(checksums, "etag_file", broken)
    assert _app.run(["etag", "file.txt"]) == 1
    assert capsys.readouterr().err.startswith("error: internal error: RuntimeError: a bug (run")
    assert _app.run(["--debug", "etag", "file.txt"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert err.splitlines()[-1] == "error: internal error: RuntimeError: a bug"


# -- 5. a config path that never ends, and the exit codes in the help -----------------


def test_a_config_that_never_ends_is_refused(cli: Cli) -> None:
    (cli.workdir / "zero.cfg").symlink_to("/dev/zero")
    (cli.workdir / "huge.cfg").write_text("# a comment\n" * 200_000)
    cases = {
        "-c /dev/zero": (("-c", "/dev/zero", "listbucket"), {}),
        "-c link to /dev/zero": (("-c", "zero.cfg", "listbucket"), {}),
        "WCS_CONFIG=/dev/urandom": (("listbucket",), {"WCS_CONFIG": "/dev/urandom"}),
    }
    for args, env in cases.values():
        result = cli.run(*args, env=env, with_config=False, timeout=30, preexec_fn=memory_limit)
        assert_one_line_error(result, 2, "not a regular file")
    huge = cli.run("-c", "huge.cfg", "listbucket", with_config=False, preexec_fn=memory_limit)
    assert_one_line_error(huge, 2, "huge.cfg", "larger than")
    configure = cli.run(
        "-c", "zero.cfg", "--configure",
        with_config=False, stdin=KEEP_ALL, preexec_fn=memory_limit,
    )  # fmt: skip
    assert_one_line_error(configure, 2, "not a regular file")
    assert (cli.workdir / "zero.cfg").is_symlink()


def test_help_documents_every_exit_code(cli: Cli) -> None:
    text = " ".join(cli.ok("--help").stdout.split())
    assert "Exit codes: 0 done, 1 the operation failed, 2 bad usage or input, 130" in text
    assert "Ctrl-C" in text


def test_a_config_from_a_pipe_is_still_read(tmp_path: Path) -> None:
    # `wcs-ext -c <(pass show wcs) ...`: a pipe is no regular file, and has an end.
    fifo = tmp_path / "wcscfg"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("w") as pipe:
            pipe.write("[default]\nlimit = 7\n")

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        assert WcsConfig.load(fifo, env={"HOME": str(tmp_path)}).limit == 7
    finally:
        writer.join(10)
