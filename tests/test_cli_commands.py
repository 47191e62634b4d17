"""The command group loads each command's module when the command is used; the console
script loads the command line with the garbage collector paused, then frozen."""

from __future__ import annotations

import importlib
import json
import os
import socket
import subprocess
import sys
import textwrap
from collections import defaultdict
from pathlib import Path

import click

from wcs_ext.cli import cli
from wcs_ext.cli._commands import COMMAND_MODULES

COMMAND_LINE_MODULES = {f"wcs_ext.cli.{module}" for module in COMMAND_MODULES.values()}


def fresh(code: str, tmp_path: Path | None = None) -> dict[str, object]:
    """Run ``code`` in a new interpreter; it prints one JSON document last. With
    ``tmp_path``: keys, a closed port for every host, and no retries, from the
    environment (a home without a config file)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WCS_")}
    if tmp_path is not None:
        with socket.socket() as unused:
            unused.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{unused.getsockname()[1]}"
        env |= {"HOME": str(tmp_path), "WCS_ACCESS_KEY": "ak", "WCS_SECRET_KEY": "sk"}
        env |= {"WCS_MGR_URL": url, "WCS_PUT_URL": url, "WCS_CONNECTION_RETRIES": "0"}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.stdout, done.stderr
    document: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return document


def test_the_table_names_each_module_s_commands_and_nothing_else() -> None:
    by_module: dict[str, set[str]] = defaultdict(set)
    for name, module in COMMAND_MODULES.items():
        by_module[module].add(name)
    for module, names in by_module.items():
        defined = importlib.import_module(f"wcs_ext.cli.{module}").COMMANDS
        assert {command.name for command in defined} == names, module


def test_every_command_is_listed_and_found_by_its_name() -> None:
    ctx = click.Context(cli)
    names = cli.list_commands(ctx)
    assert names == sorted(COMMAND_MODULES)
    for name in names:
        command = cli.get_command(ctx, name)
        assert command is not None
        assert command.name == name
    assert cli.get_command(ctx, "no-such-command") is None


def test_a_stat_loads_its_own_command_module_only(tmp_path: Path) -> None:
    # Against a closed port: the command fails, after loading all that it needs.
    document = fresh(
        """
        import json, sys
        from wcs_ext.cli import run
        code = run(["stat", "wcs://b/k"])
        print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
        """,
        tmp_path,
    )
    modules = set(document["modules"])  # type: ignore[call-overload]
    assert document["code"] == 1
    assert COMMAND_LINE_MODULES & modules == {"wcs_ext.cli.objects"}
    assert "wcs_ext.cli.configure" not in modules


def test_an_option_of_another_command_before_the_command_still_finds_it() -> None:
    # --exclude belongs to put, get and sync; placed before "del", every command is
    # loaded to learn that it takes a value, so "*.tmp" is not taken for the command.
    document = fresh(
        """
        import json, sys
        from wcs_ext.cli._app import cli
        from wcs_ext.cli._compat import normalize_argv
        words = normalize_argv(cli, ["--exclude", "*.tmp", "del", "wcs://b/k"], print)
        print(json.dumps({"words": words, "modules": sorted(sys.modules)}))
        """
    )
    # Left after the command, for click to reject as del's unknown option.
    assert document["words"] == ["del", "--exclude", "*.tmp", "wcs://b/k"]
    assert set(document["modules"]) >= COMMAND_LINE_MODULES  # type: ignore[call-overload]


def test_the_console_script_freezes_what_it_loaded_and_collects_the_rest(
    tmp_path: Path,
) -> None:
    document = fresh(
        """
        import atexit, gc, json, sys
        atexit.register(lambda: print(json.dumps(
            {"frozen": gc.get_freeze_count(), "collecting": gc.isenabled()})))
        sys.argv = ["wcs-ext", "stat", "wcs://b/k"]
        from wcs_ext.cli import main
        main()
        """,
        tmp_path,
    )
    assert document["collecting"] is True
    assert isinstance(document["frozen"], int)
    assert document["frozen"] > 10_000


def test_run_in_another_program_leaves_its_collector_alone(tmp_path: Path) -> None:
    document = fresh(
        """
        import gc, json
        from wcs_ext.cli import run
        code = run(["stat", "wcs://b/k"])  # a command that makes a client: more loading
        print(json.dumps(
            {"code": code, "frozen": gc.get_freeze_count(), "collecting": gc.isenabled()}))
        """,
        tmp_path,
    )
    assert document == {"code": 1, "frozen": 0, "collecting": True}
