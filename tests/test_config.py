"""WcsConfig: the .wcscfg format, profiles, env vars, precedence, validation, writing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import attrs
import pytest

from wcs_ext.config import (
    ENV_VARS,
    FILE_KEYS,
    ConfigSources,
    WcsConfig,
    config_path,
    default_record_folder,
    mask_secret,
)
from wcs_ext.errors import WcsConfigError

AK = "ref-capture-ak-0001"
SK = "ref-capture-sk-secret-0001"

# The sample .wcscfg of wire-examples.md (as the original SDK's users write it).
SAMPLE = f"""\
[default]
access_key = {AK}
secret_key = {SK}
put_url = http://127.0.0.1:18765
mgr_url = http://127.0.0.1:18765
block_size = 4194304
bput_size = 4194304
concurrency = 4
connection_retries = 1
connection_timeout = 15
mkblk_retries = 3
bput_retries = 3
mkfile_retries = 3
ishttps = False
isverify = True
keepalive = False
limit = 1000
mode = 3
prefix =
marker =
overwrite = 0
deadline = 7200
traffic_limit = 0
force = 0
separate = 0
notifyurl =
"""

# wcs-api.md §8.3: the --dump-config order (Python string order of the file keys).
DUMP_ORDER = [
    "access_key",
    "block_size",
    "bput_retries",
    "bput_size",
    "callbackBody",
    "callbackUrl",
    "concurrency",
    "connection_retries",
    "connection_timeout",
    "contentDetect",
    "deadline",
    "detectNotifyRule",
    "detectNotifyURL",
    "download_parallel_threshold",
    "download_slice_size",
    "download_url",
    "force",
    "guess_mime_type",
    "hashAlgorithm",
    "ishttps",
    "isverify",
    "keepalive",
    "limit",
    "limit_rate",
    "low_speed_limit",
    "low_speed_time",
    "marker",
    "max_concurrency",
    "mgr_url",
    "mkblk_retries",
    "mkfile_retries",
    "mode",
    "notifyurl",
    "output",
    "overwrite",
    "persistentNotifyUrl",
    "persistentOps",
    "prefix",
    "put_url",
    "returnBody",
    "returnUrl",
    "secret_key",
    "separate",
    "tmp_record_folder",
    "traffic_limit",
    "upload_id",
]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An isolated environment: HOME is an empty temporary folder."""
    home = tmp_path / "home"
    home.mkdir()
    return {"HOME": str(home)}


def write(folder: Path, text: str, name: str = "wcscfg") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path, env: dict[str, str], **kwargs: object) -> str:
    with pytest.raises(WcsConfigError) as info:
        WcsConfig.load(path, env=env, **kwargs)  # type: ignore[arg-type]
    return str(info.value)


# ---------------------------------------------------------------------------
# the table of settings


def test_all_46_keys_are_fields() -> None:
    # The original's 38; max_concurrency, low_speed_limit and low_speed_time; the two
    # of downloads in slices (download_parallel_threshold, download_slice_size);
    # download_url, where `get wcs://B/KEY`, the many-file commands and wcs_ext.fs read;
    # limit_rate, the client's own bandwidth limit; and guess_mime_type (uploads send the
    # type their key implies).
    fields = [a.name for a in attrs.fields(WcsConfig)]
    assert len(fields) == 46
    assert list(FILE_KEYS) == fields
    assert sorted(FILE_KEYS.values()) == DUMP_ORDER
    assert FILE_KEYS["return_url"] == "returnUrl"
    assert FILE_KEYS["detect_notify_url"] == "detectNotifyURL"
    assert ENV_VARS["access_key"] == "WCS_ACCESS_KEY"
    assert ENV_VARS["return_url"] == "WCS_RETURN_URL"
    assert all(ENV_VARS[name] == f"WCS_{name.upper()}" for name in fields)


def test_defaults(env: dict[str, str]) -> None:
    config, sources = WcsConfig.load_with_sources(env=env)
    assert config.block_size == config.bput_size == 4194304
    assert config.connection_timeout == 40.0
    assert isinstance(config.connection_timeout, float)
    assert (config.connection_retries, config.mkblk_retries) == (3, 3)
    assert (config.bput_retries, config.mkfile_retries) == (3, 3)
    assert config.concurrency == 4
    assert (config.ishttps, config.isverify, config.keepalive) == (False, True, True)
    assert (config.limit, config.mode, config.deadline, config.traffic_limit) == (
        1000,
        None,
        7200,
        0,
    )
    assert (config.overwrite, config.separate, config.force) == (0, 0, 0)
    assert config.access_key == config.secret_key == config.put_url == config.return_url == ""
    assert config.tmp_record_folder == str(
        Path(env["HOME"]) / ".local" / "state" / "wcs-ext" / "multipart"
    )
    assert set(sources.values()) == {"default"}
    assert sources.path is None
    assert sources.profile is None


# ---------------------------------------------------------------------------
# the file


def test_sample_file_loads_typed_values(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path, SAMPLE)
    config, sources = WcsConfig.load_with_sources(path, env=env)
    assert config.access_key == AK
    assert config.secret_key == SK
    assert config.put_url == config.mgr_url == "http://127.0.0.1:18765"
    assert config.block_size == 4194304
    assert config.bput_size == 4194304
    assert config.concurrency == 4
    assert config.connection_retries == 1
    assert config.connection_timeout == 15.0
    assert (config.mkblk_retries, config.bput_retries, config.mkfile_retries) == (3, 3, 3)
    assert config.ishttps is False
    assert config.isverify is True
    assert config.keepalive is False
    assert config.limit == 1000
    assert config.mode is None
    assert config.prefix == config.marker == config.notifyurl == ""
    assert (config.overwrite, config.force, config.separate) == (0, 0, 0)
    assert isinstance(config.overwrite, int)
    assert config.deadline == 7200
    assert config.traffic_limit == 0
    assert config.put_base_url == config.mgr_base_url == "http://127.0.0.1:18765"
    assert sources["block_size"] == f"file {path}"
    assert sources["mode"] == f"file {path}"
    assert sources["upload_id"] == "default"
    assert sources.path == str(path)
    assert sources.unknown_keys == ()


def test_syntax_quotes_comments_spaces(tmp_path: Path, env: dict[str, str]) -> None:
    text = (
        "\ufeff# a comment\n"
        "   # an indented comment\n"
        "\n"
        "   \n"
        'access_key="quoted ak"\r\n'
        "put_url   =    up.example.com   \n"
        'returnUrl = "  spaces kept inside quotes  "\n'
        "returnBody = key=$(key)&hash=$(hash)\n"
        "prefix = #not-a-comment\n"
        'marker = "half quoted\n'
        "  limit=10\n"
        "ReturnUrl = wrong case\n"
        "log_level = DEBUG\n"
    )
    config, sources = WcsConfig.load_with_sources(write(tmp_path, text), env=env)
    assert config.access_key == "quoted ak"
    assert config.put_url == "up.example.com"
    assert config.return_url == "  spaces kept inside quotes  "
    assert config.return_body == "key=$(key)&hash=$(hash)"
    assert config.prefix == "#not-a-comment"
    assert config.marker == '"half quoted'
    assert config.limit == 10
    assert sources.unknown_keys == ("ReturnUrl", "log_level")


def test_one_section_file_equals_sectionless_file(tmp_path: Path, env: dict[str, str]) -> None:
    with_section = WcsConfig.load(write(tmp_path, SAMPLE, "a"), env=env)
    without = WcsConfig.load(write(tmp_path, SAMPLE.replace("[default]\n", ""), "b"), env=env)
    assert with_section == without


def test_malformed_line_names_file_and_line(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path, f"[default]\naccess_key = {AK}\n\nsecret_key: {SK}\n")
    message = load_error(path, env)
    assert message.startswith(f"{path} line 4: ")
    assert SK not in message  # the offending line is never echoed


@pytest.mark.parametrize(
    "line",
    ["; semicolon is not a comment", "[]", "just words", "key-with-dash = 1", "= 1"],
)
def test_malformed_lines(tmp_path: Path, env: dict[str, str], line: str) -> None:
    message = load_error(write(tmp_path, f"limit = 5\n{line}\n"), env)
    assert " line 2: " in message


def test_invalid_utf8_names_line(tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "cfg"
    path.write_bytes(b"limit = 5\nprefix = \xff\xfe\n")
    assert load_error(path, env) == f"{path} line 2: not valid UTF-8"


def test_missing_explicit_file(tmp_path: Path, env: dict[str, str]) -> None:
    missing = tmp_path / "nope.wcscfg"
    message = load_error(missing, env)
    assert str(missing) in message
    assert "does not exist" in message


def test_directory_as_file(tmp_path: Path, env: dict[str, str]) -> None:
    assert "is a directory" in load_error(tmp_path, env)


def test_implicit_home_file_is_optional_and_read(env: dict[str, str]) -> None:
    assert WcsConfig.load(env=env) == WcsConfig.load(env=env)  # no ~/.wcscfg: defaults
    home_file = Path(env["HOME"]) / ".wcscfg"
    home_file.write_text("limit = 7\n", encoding="utf-8")
    config, sources = WcsConfig.load_with_sources(env=env)
    assert config.limit == 7
    assert sources["limit"] == "file ~/.wcscfg"
    assert config_path(env=env) == home_file


def test_implicit_home_file_errors_show_tilde(env: dict[str, str]) -> None:
    (Path(env["HOME"]) / ".wcscfg").write_text("# x\nblock_size = abc\n", encoding="utf-8")
    with pytest.raises(WcsConfigError) as info:
        WcsConfig.load(env=env)
    assert str(info.value) == "~/.wcscfg line 2: block_size must be an integer, got 'abc'"


# ---------------------------------------------------------------------------
# profiles

PROFILES = """\
limit = 10
prefix = base
[default]
marker = m0
[prod]
limit = 20
put_url = https://up.prod.example.com
[staging]
limit = 30
[default]
deadline = 60
"""


def test_profiles_overlay_the_base(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path, PROFILES)
    base, base_sources = WcsConfig.load_with_sources(path, env=env)
    assert (base.limit, base.prefix, base.marker, base.deadline, base.put_url) == (
        10,
        "base",
        "m0",
        60,
        "",
    )
    assert base_sources["limit"] == f"file {path}"
    prod, sources = WcsConfig.load_with_sources(path, env=env, profile="prod")
    assert (prod.limit, prod.prefix, prod.marker, prod.deadline) == (20, "base", "m0", 60)
    assert prod.put_url == "https://up.prod.example.com"
    assert sources["limit"] == f"profile prod in {path}"
    assert sources["prefix"] == f"file {path}"
    assert sources.profile == "prod"
    assert WcsConfig.load(path, env=env, profile="default") == base


def test_profile_from_env_and_argument_wins(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path, PROFILES)
    assert WcsConfig.load(path, env={**env, "WCS_PROFILE": "staging"}).limit == 30
    assert WcsConfig.load(path, env={**env, "WCS_PROFILE": "staging"}, profile="prod").limit == 20


def test_unknown_profile(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path, PROFILES)
    message = load_error(path, env, profile="qa")
    assert "'qa'" in message
    assert str(path) in message
    assert "prod, staging" in message
    with pytest.raises(WcsConfigError, match="'qa'"):
        WcsConfig.load(env={**env, "WCS_PROFILE": "qa"})  # no file at all


# ---------------------------------------------------------------------------
# environment


def test_env_vars(tmp_path: Path, env: dict[str, str]) -> None:
    environ = {
        **env,
        "WCS_ACCESS_KEY": AK,
        "WCS_SECRET_KEY": SK,
        "WCS_PUT_URL": "up.example.com",
        "WCS_MGR_URL": "mgr.example.com:8443",
        "WCS_BLOCK_SIZE": "8388608",
        "WCS_ISHTTPS": "Yes",
        "WCS_KEEPALIVE": "off",
        "WCS_CONNECTION_TIMEOUT": "2.5",
        "WCS_RETURN_URL": "https://back.example.com",
        "WCS_MODE": "1",
        "WCS_PREFIX": "",  # empty: unset
    }
    config, sources = WcsConfig.load_with_sources(env=environ)
    assert (config.access_key, config.secret_key) == (AK, SK)
    assert config.put_base_url == "https://up.example.com"
    assert config.mgr_base_url == "https://mgr.example.com:8443"
    assert config.block_size == 8388608
    assert config.ishttps is True
    assert config.keepalive is False
    assert config.connection_timeout == 2.5
    assert config.return_url == "https://back.example.com"
    assert config.mode == 1
    assert sources["secret_key"] == "env WCS_SECRET_KEY"
    assert sources["return_url"] == "env WCS_RETURN_URL"
    assert sources["prefix"] == "default"


def test_wcs_config_env_names_the_file(tmp_path: Path, env: dict[str, str]) -> None:
    named = write(tmp_path, "limit = 42\n", "named.cfg")
    other = write(tmp_path, "limit = 43\n", "other.cfg")
    environ = {**env, "WCS_CONFIG": str(named)}
    assert WcsConfig.load(env=environ).limit == 42
    assert WcsConfig.load(other, env=environ).limit == 43  # explicit path wins
    assert config_path(env=environ) == named
    assert config_path(other, env=environ) == other
    missing = str(tmp_path / "missing.cfg")
    with pytest.raises(WcsConfigError) as info:
        WcsConfig.load(env={**env, "WCS_CONFIG": missing})
    assert missing in str(info.value)
    assert "WCS_CONFIG" in str(info.value)


def test_env_defaults_to_os_environ(
    tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [*ENV_VARS.values(), "WCS_PROFILE"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", env["HOME"])
    monkeypatch.setenv("WCS_CONFIG", str(write(tmp_path, "limit = 5\n")))
    monkeypatch.setenv("WCS_DEADLINE", "99")
    config = WcsConfig.load()
    assert (config.limit, config.deadline) == (5, 99)


# ---------------------------------------------------------------------------
# precedence


def test_precedence_chain_and_sources(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(
        tmp_path,
        "concurrency = 1\nlimit = 11\ndeadline = 100\ntraffic_limit = 5\n"
        "[prod]\nlimit = 22\ndeadline = 200\ntraffic_limit = 6\n",
    )
    environ = {**env, "WCS_DEADLINE": "300", "WCS_TRAFFIC_LIMIT": "7", "WCS_PROFILE": "prod"}
    config, sources = WcsConfig.load_with_sources(
        path, env=environ, overrides={"traffic_limit": "8", "limit": None}
    )
    assert isinstance(sources, ConfigSources)
    assert config.block_size == 4194304
    assert config.concurrency == 1
    assert config.limit == 22
    assert config.deadline == 300
    assert config.traffic_limit == 8
    assert sources["block_size"] == "default"
    assert sources["concurrency"] == f"file {path}"
    assert sources["limit"] == f"profile prod in {path}"
    assert sources["deadline"] == "env WCS_DEADLINE"
    assert sources["traffic_limit"] == "override"
    assert len(sources) == 46
    assert set(sources) == set(FILE_KEYS)


def test_overrides_typed_or_text(env: dict[str, str]) -> None:
    config = WcsConfig.load(
        env=env,
        overrides={
            "ishttps": True,
            "limit": 5,
            "deadline": "60",
            "connection_timeout": 3,
            "mode": "3",
            "overwrite": "1",
            "upload_id": "abc",
            "tmp_record_folder": Path("records"),
        },
    )
    assert config.ishttps is True
    assert (config.limit, config.deadline, config.overwrite) == (5, 60, 1)
    assert config.connection_timeout == 3.0
    assert isinstance(config.connection_timeout, float)
    assert config.mode is None
    assert config.upload_id == "abc"
    assert config.tmp_record_folder == "records"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"limit": True}, "override: limit must be an integer, got True"),
        ({"ishttps": 1}, "override: ishttps must be true/yes/on/1 or false/no/off/0, got 1"),
        ({"ishttps": "maybe"}, "override: ishttps must be true/yes/on/1 or false/no/off/0"),
        ({"prefix": 5}, "override: prefix must be a string, got 5"),
        ({"limit": "1_000"}, "override: limit must be an integer, got '1_000'"),
        ({"limit": "10.0"}, "override: limit must be an integer, got '10.0'"),
        ({"nope": 1}, "override: unknown setting 'nope'"),
    ],
)
def test_bad_overrides(env: dict[str, str], overrides: dict[str, object], expected: str) -> None:
    with pytest.raises(WcsConfigError) as info:
        WcsConfig.load(env=env, overrides=overrides)
    assert str(info.value).startswith(expected)


# ---------------------------------------------------------------------------
# validation

BAD_VALUES = [
    ("block_size", "abc", "must be an integer"),
    ("block_size", "5000000", "positive multiple of 4194304"),
    ("block_size", "0", "positive multiple of 4194304"),
    ("block_size", "-4194304", "positive multiple of 4194304"),
    ("bput_size", "0", "must be positive"),
    ("bput_size", "3000000", "must divide block_size"),
    ("bput_size", "8388608", "must divide block_size"),
    ("concurrency", "-1", "must not be negative"),
    ("connection_retries", "-1", "must not be negative"),
    ("mkblk_retries", "-2", "must not be negative"),
    ("bput_retries", "x", "must be an integer"),
    ("mkfile_retries", "-1", "must not be negative"),
    ("traffic_limit", "-1", "must not be negative"),
    ("limit", "0", "between 1 and 1000"),
    ("limit", "1001", "between 1 and 1000"),
    ("deadline", "0", "must be positive"),
    ("deadline", "1e3", "must be an integer"),
    ("connection_timeout", "0", "must be positive"),
    ("connection_timeout", "fast", "must be a number"),
    ("connection_timeout", "nan", "must be a number"),
    ("connection_timeout", "1e999", "must be a number"),
    ("overwrite", "2", "must be 0 or 1"),
    ("separate", "-1", "must be 0 or 1"),
    ("force", "5", "must be 0 or 1"),
    ("mode", "2", "must be 0, 1 or 3 (omit)"),
    ("ishttps", "maybe", "must be true/yes/on/1 or false/no/off/0"),
    ("isverify", "2", "must be true/yes/on/1 or false/no/off/0"),
    ("access_key", "x", "must be empty or at least 2 characters long"),
    ("put_url", "ftp://up.example.com", "unknown URL"),
    ("put_url", "http://", "the host is empty"),
    ("put_url", "up.example.com:99999", "bad port"),
    ("put_url", "up.example.com:http", "bad port"),
    ("put_url", "up.example.com:", "bad port"),
    ("mgr_url", "mgr example.com", "whitespace"),
    ("mgr_url", "http://user@mgr.example.com", "bad host"),
    ("mgr_url", "mgr.example.com/list?x=1", "query or fragment"),
    ("mgr_url", ":8080", "the host is empty"),
]


@pytest.mark.parametrize(("field", "value", "rule"), BAD_VALUES)
def test_bad_file_value_names_key_value_and_line(
    tmp_path: Path, env: dict[str, str], field: str, value: str, rule: str
) -> None:
    path = write(tmp_path, f"# header\nlimit = 10\n{field} = {value}\n")
    message = load_error(path, env)
    assert message.startswith(f"{path} line 3: {field}")
    assert rule in message
    if field != "access_key":
        assert value in message  # as given for type errors, as parsed for range errors
    assert "\n" not in message


@pytest.mark.parametrize(("field", "value", "rule"), BAD_VALUES)
def test_bad_env_value_names_variable(
    env: dict[str, str], field: str, value: str, rule: str
) -> None:
    variable = f"WCS_{field.upper()}"
    with pytest.raises(WcsConfigError) as info:
        WcsConfig.load(env={**env, variable: value})
    assert str(info.value).startswith(f"env {variable}: {field}")
    assert rule in str(info.value)


@pytest.mark.parametrize(("field", "value", "rule"), BAD_VALUES)
def test_bad_override_value(env: dict[str, str], field: str, value: str, rule: str) -> None:
    with pytest.raises(WcsConfigError) as info:
        WcsConfig.load(env=env, overrides={field: value})
    assert str(info.value).startswith(f"override: {field}")
    assert rule in str(info.value)


def test_camel_case_key_named_as_in_file(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path, "returnUrl = a\rb\n")
    assert load_error(path, env) == f"{path} line 1: returnUrl must be one line of text"


def test_cross_field_error_names_both_sources(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path, "bput_size = 8388608\n")
    message = load_error(path, {**env, "WCS_BLOCK_SIZE": "4194304"})
    assert message == (
        f"{path} line 1: bput_size must divide block_size (4194304, from env WCS_BLOCK_SIZE)"
        ", got 8388608"
    )


def test_valid_edge_values(env: dict[str, str]) -> None:
    config = WcsConfig.load(
        env={
            **env,
            "WCS_BLOCK_SIZE": "12582912",
            "WCS_BPUT_SIZE": "524288",
            "WCS_CONCURRENCY": "0",
            "WCS_LIMIT": "1",
            "WCS_CONNECTION_TIMEOUT": ".5",
            "WCS_MKBLK_RETRIES": "0",
            "WCS_ACCESS_KEY": "ab",
            "WCS_PUT_URL": "[::1]:8080/base/",
            "WCS_MGR_URL": "HTTPS://Mgr.Example.com",
        }
    )
    assert (config.block_size, config.bput_size, config.concurrency) == (12582912, 524288, 0)
    assert config.connection_timeout == 0.5
    assert config.put_base_url == "http://[::1]:8080/base"
    assert config.mgr_base_url == "https://Mgr.Example.com"


# ---------------------------------------------------------------------------
# secrets

SECRET = "very-secret-value-1234"


def test_secret_never_in_repr_or_str() -> None:
    config = WcsConfig(access_key=AK, secret_key=SECRET, tmp_record_folder="r")
    assert SECRET not in repr(config)
    assert SECRET not in str(config)
    assert "secret_key='****'" in repr(config)
    assert "secret_key=''" in repr(WcsConfig(tmp_record_folder="r"))
    assert SECRET not in config.to_file_text()
    assert SECRET in config.to_file_text(mask_secret=False)


@pytest.mark.parametrize(
    ("environ", "overrides"),
    [
        ({"WCS_SECRET_KEY": SECRET + "\nmore"}, None),
        ({}, {"secret_key": SECRET + "\r"}),
        ({}, {"secret_key": 12345678901234567890}),
        ({"WCS_SECRET_KEY": "x"}, None),
    ],
)
def test_secret_never_in_errors(
    env: dict[str, str], environ: dict[str, str], overrides: dict[str, object] | None
) -> None:
    with pytest.raises(WcsConfigError) as info:
        WcsConfig.load(env={**env, **environ}, overrides=overrides)
    message = str(info.value)
    assert "secret_key" in message
    assert SECRET not in message
    assert "12345678901234567890" not in message
    assert "got" not in message


def test_secret_too_short_in_file(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path, "secret_key = Q\n")
    assert load_error(path, env) == (
        f"{path} line 1: secret_key must be empty or at least 2 characters long"
    )


@pytest.mark.parametrize(
    ("secret", "masked"),
    [
        ("", ""),
        ("ab", "****"),
        ("abcdefg", "****"),
        ("abcdefgh", "****gh"),
        ("abcdefghijklmno", "****no"),
        ("abcdefghijklmnop", "****mnop"),
        (SK, "****0001"),
    ],
)
def test_mask_secret(secret: str, masked: str) -> None:
    assert mask_secret(secret) == masked


# ---------------------------------------------------------------------------
# require and base URLs


def test_require(env: dict[str, str]) -> None:
    config = WcsConfig.load(env={**env, "WCS_ACCESS_KEY": AK})
    config.require("access_key", "limit", "ishttps", "overwrite")
    with pytest.raises(WcsConfigError) as info:
        config.require("secret_key")
    assert str(info.value) == (
        "missing secret_key: run 'wcs-ext --configure' or set WCS_SECRET_KEY"
    )
    with pytest.raises(WcsConfigError) as info:
        config.require("access_key", "put_url", "mgr_url")
    assert str(info.value) == (
        "missing put_url, mgr_url: run 'wcs-ext --configure' or set WCS_PUT_URL, WCS_MGR_URL"
    )
    with pytest.raises(WcsConfigError, match="missing put_url"):
        _ = config.put_base_url
    with pytest.raises(ValueError, match="unknown config field"):
        config.require("nope")


@pytest.mark.parametrize(
    ("url", "ishttps", "expected"),
    [
        ("up.example.com", False, "http://up.example.com"),
        ("up.example.com", True, "https://up.example.com"),
        ("up.example.com/", False, "http://up.example.com"),
        ("127.0.0.1:8080", False, "http://127.0.0.1:8080"),
        ("127.0.0.1:8080/", True, "https://127.0.0.1:8080"),
        ("up.example.com/wcs/", False, "http://up.example.com/wcs"),
        ("http://up.example.com", True, "http://up.example.com"),
        ("https://up.example.com", False, "https://up.example.com"),
        ("HTTP://up.example.com:81//", True, "http://up.example.com:81"),
        ("https://up.example.com:8443/p/", False, "https://up.example.com:8443/p"),
    ],
)
def test_base_url_scheme_rule(url: str, ishttps: bool, expected: str) -> None:
    config = WcsConfig(put_url=url, mgr_url=url, ishttps=ishttps, tmp_record_folder="r")
    assert config.put_base_url == expected
    assert config.mgr_base_url == expected


# ---------------------------------------------------------------------------
# several hosts


def test_host_lists_from_file_env_and_overrides(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path, "put_url = up-a.example.com, https://up-b.example.com:8443/\n")
    config, sources = WcsConfig.load_with_sources(
        path,
        env={**env, "WCS_MGR_URL": "http://127.0.0.1:9,127.0.0.1:8", "WCS_ISHTTPS": "yes"},
    )
    # Each entry gets the scheme rule on its own; spaces around the commas do not count.
    assert config.put_base_urls == ("https://up-a.example.com", "https://up-b.example.com:8443")
    assert config.mgr_base_urls == ("http://127.0.0.1:9", "https://127.0.0.1:8")
    assert config.put_base_url == "https://up-a.example.com"  # the first one
    assert (sources["put_url"], sources["mgr_url"]) == (f"file {path}", "env WCS_MGR_URL")
    assert "\nput_url = up-a.example.com, https://up-b.example.com:8443/\n" in (
        config.to_file_text()
    )
    copy = config.with_overrides(mgr_url="http://m1:1,http://m2:2")
    assert copy.mgr_base_urls == ("http://m1:1", "http://m2:2")
    loaded = WcsConfig.load(env=env, overrides={"put_url": "a:1,b:2,c:3"})
    assert loaded.put_base_urls == ("http://a:1", "http://b:2", "http://c:3")


def test_one_host_is_a_list_of_one() -> None:
    config = WcsConfig(put_url="up.example.com", mgr_url="m.example.com", tmp_record_folder="r")
    assert config.put_base_urls == ("http://up.example.com",)
    assert config.mgr_base_urls == ("http://m.example.com",)


BAD_LISTS = [
    ("put_url", "http://a:1,,http://b:2", "'http://a:1,,http://b:2' (host 2 of 3: it is empty)"),
    ("put_url", "http://a:1,", "(host 2 of 2: it is empty)"),
    ("mgr_url", "http://a:1, ftp://b", "'ftp://b' (host 2 of 2: scheme 'ftp' is not http"),
    ("mgr_url", "a:99999,b", "'a:99999' (host 1 of 2: bad port '99999')"),
    ("mgr_url", "a b,c", "'a b' (host 1 of 2: it contains whitespace)"),
    ("download_url", "http://a/{bucket},http://b", "(one URL only, not a list)"),
]


@pytest.mark.parametrize(("field", "value", "rule"), BAD_LISTS)
def test_a_bad_entry_of_a_host_list_is_named(
    tmp_path: Path, env: dict[str, str], field: str, value: str, rule: str
) -> None:
    path = write(tmp_path, f"{field} = {value}\n")
    variable = f"WCS_{field.upper()}"
    with pytest.raises(WcsConfigError) as from_env:
        WcsConfig.load(env={**env, variable: value})
    with pytest.raises(WcsConfigError) as from_override:
        WcsConfig.load(env=env, overrides={field: value})
    for message, where in (
        (load_error(path, env), f"{path} line 1"),
        (str(from_env.value), f"env {variable}"),
        (str(from_override.value), "override"),
    ):
        assert message.startswith(f"{where}: {field}: unknown URL ")
        assert rule in message
        assert "\n" not in message


def test_a_comma_in_a_download_path_is_no_list() -> None:
    config = WcsConfig(download_url="http://cdn.example.com/a,b/{bucket}", tmp_record_folder="r")
    assert config.download_base_url == "http://cdn.example.com/a,b/{bucket}"


# ---------------------------------------------------------------------------
# mode


@pytest.mark.parametrize(("text", "mode"), [("3", None), ("0", 0), ("1", 1), (" 1 ", 1)])
def test_mode_values(tmp_path: Path, env: dict[str, str], text: str, mode: int | None) -> None:
    config = WcsConfig.load(write(tmp_path, f"mode = {text}\n"), env=env)
    assert config.mode == mode
    assert f"\nmode = {3 if mode is None else mode}\n" in config.to_file_text()


def test_mode_in_constructor_and_copies() -> None:
    assert WcsConfig(mode=3, tmp_record_folder="r").mode is None
    config = WcsConfig(mode=1, tmp_record_folder="r")
    assert config.with_overrides(mode=None).mode is None
    assert config.with_overrides(mode=3).mode is None
    assert config.with_overrides(mode="0").mode == 0
    with pytest.raises(WcsConfigError, match="override: mode must be 0, 1 or 3"):
        config.with_overrides(mode=2)


# ---------------------------------------------------------------------------
# tmp_record_folder


def test_record_folder_defaults(tmp_path: Path) -> None:
    home = str(tmp_path)
    assert default_record_folder({"HOME": home}) == str(tmp_path / ".local/state/wcs-ext/multipart")
    state = str(tmp_path / "state")
    assert default_record_folder({"HOME": home, "XDG_STATE_HOME": state}) == str(
        tmp_path / "state/wcs-ext/multipart"
    )
    relative = {"HOME": home, "XDG_STATE_HOME": "relative/state"}
    assert default_record_folder(relative) == default_record_folder({"HOME": home})


@pytest.mark.parametrize("original", ["/tmp/multipart/", "/tmp/multipart", ""])
def test_original_record_folder_means_default(
    tmp_path: Path, env: dict[str, str], original: str
) -> None:
    path = write(tmp_path, f"tmp_record_folder = {original}\n")
    config, sources = WcsConfig.load_with_sources(path, env=env)
    assert config.tmp_record_folder == default_record_folder(env)
    assert sources["tmp_record_folder"] == "default"


def test_record_folder_in_copies(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    config = WcsConfig(tmp_record_folder="r")
    assert config.with_overrides(tmp_record_folder="").tmp_record_folder == (
        default_record_folder()
    )
    assert config.with_overrides(tmp_record_folder="~/x").tmp_record_folder == str(tmp_path / "x")
    assert WcsConfig().tmp_record_folder == str(tmp_path / ".local/state/wcs-ext/multipart")


def test_record_folder_from_file(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path, "tmp_record_folder = ~/records\n")
    config = WcsConfig.load(path, env=env)
    assert config.tmp_record_folder == str(Path(env["HOME"]) / "records")
    other = tmp_path / "abs-records"
    assert WcsConfig.load(env={**env, "WCS_TMP_RECORD_FOLDER": str(other)}).tmp_record_folder == (
        str(other)
    )


# ---------------------------------------------------------------------------
# writing


def test_to_file_text_order_and_rendering(tmp_path: Path, env: dict[str, str]) -> None:
    config = WcsConfig.load(
        write(tmp_path, SAMPLE),
        env=env,
        overrides={
            "return_url": " padded ",
            "callback_body": '"quoted"',
            "connection_timeout": "2.5",
        },
    )
    text = config.to_file_text()
    lines = text.splitlines()
    assert lines[0] == "[default]"
    assert [line.split(" = ")[0] for line in lines[1:]] == DUMP_ORDER
    assert text.endswith("\n")
    assert "ishttps = False" in lines
    assert "isverify = True" in lines
    assert "keepalive = False" in lines
    assert "mode = 3" in lines
    assert "prefix = " in lines
    assert "block_size = 4194304" in lines
    assert "connection_timeout = 2.5" in lines
    assert 'returnUrl = " padded "' in lines
    assert 'callbackBody = ""quoted""' in lines
    assert f"secret_key = {mask_secret(SK)}" in lines
    assert SK not in text
    assert f"secret_key = {SK}" in config.to_file_text(mask_secret=False).splitlines()
    assert "connection_timeout = 40" in WcsConfig(tmp_record_folder="r").to_file_text()


def test_save_round_trips_with_mode_0600(tmp_path: Path, env: dict[str, str]) -> None:
    tricky = {
        "return_url": "  spaces  ",
        "callback_body": '"quoted"',
        "return_body": 'a="b"&c=#d',
        "prefix": '"',
        "marker": "\x1cseparator\u2028",
        "persistent_ops": "imageView2/1/w/100|saveas/YjprZXk=",
        "connection_timeout": 0.25,
    }
    config = WcsConfig.load(write(tmp_path, SAMPLE), env=env).with_overrides(**tricky)
    target = tmp_path / "saved.wcscfg"
    config.save(target)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert target.read_text(encoding="utf-8") == config.to_file_text(mask_secret=False)
    assert WcsConfig.load(target, env=env) == config
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "saved.wcscfg", "wcscfg"]


def test_save_replaces_a_readable_file_without_chmod(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "cfg"
    target.write_text("limit = 5\n", encoding="utf-8")
    target.chmod(0o644)

    def no_chmod(*args: object, **kwargs: object) -> None:
        raise AssertionError("save must create the file 0600, not chmod it")

    monkeypatch.setattr(os, "chmod", no_chmod)
    monkeypatch.setattr(os, "fchmod", no_chmod)
    config = WcsConfig(access_key=AK, secret_key=SK, limit=9, tmp_record_folder="r")
    config.save(target)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert WcsConfig.load(target, env={}) == config


def test_save_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "cfg"
    target.write_text("limit = 5\n", encoding="utf-8")
    seen: list[tuple[str, int]] = []

    def failing_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        seen.append((Path(src).parent.name, stat.S_IMODE(os.stat(src).st_mode)))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(WcsConfigError, match=r"cannot save configuration to .*No space left"):
        WcsConfig(secret_key=SK, tmp_record_folder="r").save(target)
    assert seen == [(tmp_path.name, 0o600)]  # temp file in the same folder, 0600
    assert target.read_text(encoding="utf-8") == "limit = 5\n"  # untouched
    assert [p.name for p in tmp_path.iterdir()] == ["cfg"]  # temp file removed


def test_save_into_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(WcsConfigError, match="cannot save configuration"):
        WcsConfig(tmp_record_folder="r").save(tmp_path / "no" / "cfg")


# ---------------------------------------------------------------------------
# immutability and independence


def test_frozen() -> None:
    config = WcsConfig(tmp_record_folder="r")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        config.limit = 5  # type: ignore[misc]


def test_constructor_validates() -> None:
    with pytest.raises(WcsConfigError, match="argument: block_size must be a positive multiple"):
        WcsConfig(block_size=5, tmp_record_folder="r")
    with pytest.raises(WcsConfigError, match="argument: limit must be an integer, got 'abc'"):
        WcsConfig(limit="abc", tmp_record_folder="r")  # type: ignore[arg-type]
    assert WcsConfig(connection_timeout=5, tmp_record_folder="r").connection_timeout == 5.0


def test_with_overrides_is_a_validated_copy() -> None:
    config = WcsConfig(limit=10, tmp_record_folder="r")
    copy = config.with_overrides(limit="20", ishttps="yes")
    assert (copy.limit, copy.ishttps) == (20, True)
    assert (config.limit, config.ishttps) == (10, False)
    with pytest.raises(WcsConfigError, match="override: bput_size must divide block_size"):
        config.with_overrides(bput_size=3 * 1024 * 1024)
    with pytest.raises(WcsConfigError, match="unknown setting 'nope'"):
        config.with_overrides(nope=1)


def test_two_loads_share_nothing(tmp_path: Path, env: dict[str, str]) -> None:
    first = WcsConfig.load(write(tmp_path, "access_key = ak-one\nlimit = 1\n", "one"), env=env)
    second = WcsConfig.load(write(tmp_path, "access_key = ak-two\nlimit = 2\n", "two"), env=env)
    third = WcsConfig.load(env={**env, "WCS_ACCESS_KEY": "ak-three"})
    assert (first.access_key, first.limit) == ("ak-one", 1)
    assert (second.access_key, second.limit) == ("ak-two", 2)
    assert (third.access_key, third.limit) == ("ak-three", 1000)
