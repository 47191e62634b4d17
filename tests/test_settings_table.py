"""The settings table is the one source: every row reaches every place derived from it.

Each test walks all rows of ``SETTINGS``, so a new row is checked everywhere without
touching these tests, and a place that keeps its own list of settings (and misses the
new row) fails here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import attrs
import pytest

from wcs_ext._policy import policy_from_config
from wcs_ext._settings_table import (
    BLOCK_UNIT,
    DUMP_ORDER,
    SETTINGS,
    Kind,
    Setting,
    option_settings,
)
from wcs_ext.cli import cli, run
from wcs_ext.config import ENV_VARS, FILE_KEYS, WcsConfig, mask_secret
from wcs_ext.errors import WcsConfigError
from wcs_ext.protocol.signing import PutPolicy

_ANNOTATIONS: dict[Kind, str] = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "mode": "int | None",
}

# Integer settings whose sample must not be 1 (a rule of theirs forbids it).
_INT_SAMPLES = {"block_size": 2 * BLOCK_UNIT, "download_slice_size": 3 * BLOCK_UNIT}
# Text settings with a syntax of their own.
_STR_SAMPLES = {"limit_rate": "1.5M"}


def sample(setting: Setting) -> tuple[str, object]:
    """A value other than the default, as text and as typed; all of them are valid
    together. A new kind (or an integer setting that rejects 1) needs a line here."""
    kind = setting.kind
    if kind == "str":
        text = _STR_SAMPLES.get(setting.field, f"v-{setting.field}")
        return text, text
    if kind == "bool":
        return ("no", False) if setting.default else ("yes", True)
    if kind == "float":
        return "2.5", 2.5
    if kind in ("int", "mode"):
        number = _INT_SAMPLES.get(setting.field, 1)
        return str(number), number
    raise AssertionError(f"no sample for kind {kind!r} of {setting.field}")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """No WCS_* variables, an empty HOME; also as os.environ for the CLI."""
    for name in [n for n in os.environ if n.startswith("WCS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    return {"HOME": str(tmp_path)}


def test_every_row_is_a_typed_field_of_wcs_config(env: dict[str, str]) -> None:
    fields = attrs.fields_dict(WcsConfig)
    assert list(fields) == [s.field for s in SETTINGS]
    assert list(FILE_KEYS) == list(ENV_VARS) == [s.field for s in SETTINGS]
    defaults = WcsConfig()
    for setting in SETTINGS:
        # The annotation as written: a string, as annotations are postponed.
        assert str(fields[setting.field].type) == _ANNOTATIONS[setting.kind], setting.field
        assert getattr(defaults, setting.field) == setting.builtin_default(env)
        assert sample(setting)[1] != getattr(defaults, setting.field), setting.field


def test_every_row_is_read_from_its_env_variable(env: dict[str, str]) -> None:
    for setting in SETTINGS:
        assert setting.env == ENV_VARS[setting.field]
        text, value = sample(setting)
        config, sources = WcsConfig.load_with_sources(env={**env, setting.env: text})
        assert getattr(config, setting.field) == value, setting.env
        assert sources[setting.field] == f"env {setting.env}"


def test_every_row_is_read_from_its_file_key_and_saved(tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "all.wcscfg"
    path.write_text("".join(f"{s.key} = {sample(s)[0]}\n" for s in SETTINGS), encoding="utf-8")
    config, sources = WcsConfig.load_with_sources(path, env=env)
    for setting in SETTINGS:
        assert getattr(config, setting.field) == sample(setting)[1], setting.key
        assert sources[setting.field] == f"file {path}"
    assert sources.unknown_keys == ()
    saved = tmp_path / "saved.wcscfg"
    config.save(saved)
    assert WcsConfig.load(saved, env=env) == config


def test_every_row_is_in_dump_config(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for setting in SETTINGS:
        monkeypatch.setenv(setting.env, sample(setting)[0])
    assert run(["--dump-config"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "[default]"
    assert [line.partition(" = ")[0] for line in lines[1:]] == [s.key for s in DUMP_ORDER]
    assert run(["--json", "--dump-config"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert list(document) == [s.key for s in DUMP_ORDER]
    for setting, line in zip(DUMP_ORDER, lines[1:], strict=True):
        text, value = sample(setting)
        shown = mask_secret(text) if setting.secret else value
        assert document[setting.key] == {"value": shown, "source": f"env {setting.env}"}
        assert line.endswith(f"  # env {setting.env}")
        if setting.secret:
            assert text not in line


def test_every_option_row_is_a_global_option_that_sets_it(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    declared = {p.name: p.opts for p in cli.params}
    with_option = option_settings()
    assert len(with_option) == sum(1 for s in SETTINGS if s.option is not None)
    for setting, option in with_option:
        assert declared[setting.field] == [option.name]
    places = [option.place for _, option in with_option]
    assert len(set(places)) == len(places)

    args = [word for s, option in with_option for word in (option.name, sample(s)[0])]
    assert run(["--json", "--dump-config", *args]) == 0
    document = json.loads(capsys.readouterr().out)
    for setting, _ in with_option:
        assert document[setting.key] == {"value": sample(setting)[1], "source": "override"}

    assert run(["--help"]) == 0
    help_text = capsys.readouterr().out
    shown_at = [help_text.index(f"  {o.name} {o.metavar}  ") for _, o in with_option]
    assert shown_at == sorted(shown_at)  # listed in the order of their places


def test_every_policy_row_feeds_the_upload_policy(env: dict[str, str]) -> None:
    values = {s.field: sample(s)[1] for s in SETTINGS}
    config = WcsConfig(**values)  # type: ignore[arg-type]
    fed = {s.policy: values[s.field] for s in SETTINGS if s.policy is not None}
    assert set(fed) <= {a.name for a in attrs.fields(PutPolicy)}
    expected = PutPolicy.for_object("b", "k", lifetime=config.deadline, now=0, **fed)
    assert policy_from_config(config, "b", "k", now=0) == expected
    # Only those: `separate` is a PutPolicy field too, but the setting is for jobs.
    assert expected.separate is None


def test_secret_rows_are_masked_everywhere(env: dict[str, str]) -> None:
    secrets = [s for s in SETTINGS if s.secret]
    assert [s.field for s in secrets] == ["secret_key"]
    for setting in secrets:
        value = "very-secret-value-1234"
        config = WcsConfig(**{setting.field: value})  # type: ignore[arg-type]
        assert value not in repr(config)
        assert value not in config.to_file_text()
        assert f"{setting.key} = {mask_secret(value)}" in config.to_file_text().splitlines()
        with pytest.raises(WcsConfigError) as info:
            WcsConfig.load(env={**env, setting.env: value + "\n"})
        assert value not in str(info.value)


def test_option_places_keep_the_help_order_users_know() -> None:
    # Grouped by what they are for, as --help always listed them (not in file order).
    assert [option.name for _, option in option_settings()] == [
        "--upload-id", "--limit", "--prefix", "--mode", "--marker", "--overwrite",
        "--deadline", "--traffic_limit", "--limit-rate", "--returnurl", "--returnbody",
        "--callbackurl", "--callbackbody", "--persistentops", "--persistentntyurl",
        "--contentdetect", "--detectntyurl", "--detectntyrule", "--hashalgorithm", "--notify",
        "--separate", "--force", "--output", "--download-url", "--put-url", "--mgr-url",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("concurrency", "max_concurrency", "bput_size", "widest", "upload_width"),
    [
        (4, 16, 4 * 1024 * 1024, 32, 2),  # defaults: twice as many on a long path
        (4, 16, 1024 * 1024, 32, 1),  # downloads widen; uploads keep 1 MiB chunks whole
        (4, 4, 4 * 1024 * 1024, 4, 1),  # pinned: never wider
        (0, 16, 4 * 1024 * 1024, 1, 1),  # one at a time, as the original
    ],
)
def test_the_connections_cover_the_widest_a_long_path_may_run(
    concurrency: int, max_concurrency: int, bput_size: int, widest: int, upload_width: int
) -> None:
    from wcs_ext._base_client import max_connections
    from wcs_ext.transfer.settings import TransferConfig, widest_concurrency

    config = WcsConfig(
        access_key="ak", secret_key="sk", concurrency=concurrency,
        max_concurrency=max_concurrency, bput_size=bput_size,
    )  # fmt: skip
    assert widest_concurrency(config) == widest
    assert max_connections(config) == widest + 4  # every request its connection
    transfers = TransferConfig.from_config(config)
    assert transfers.long_path_width * transfers.max_concurrency == widest
    assert transfers.upload_long_path_width == upload_width
