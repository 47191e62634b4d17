"""The settings table: one row per setting of ``.wcscfg`` (``wcs-api.md`` §8.2).

Each row is a typed attribute of :class:`WcsConfigFields`, declared with :func:`setting`:
its name is the field, its default gives the kind (``mode`` says its own), and the
other columns are keywords::

    key      the .wcscfg key; default: the field name
    env      the environment variable; default: WCS_<FIELD>
    option   the command-line option (the original wcscmd's), or None
    policy   the PutPolicy field it feeds, or None
    secret   masked wherever it is shown (repr, --dump-config, error messages)

Everything else is derived from the rows: :class:`~wcs_ext.config.WcsConfig` subclasses
:class:`WcsConfigFields`; the file reader, the ``WCS_*`` environment, the global CLI
options, ``--dump-config`` and the upload policy read :data:`SETTINGS`. A new setting is
a new row here, plus the code that acts on its value.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, TypeVar

import attrs

__all__ = [
    "BLOCK_UNIT",
    "BY_FIELD",
    "BY_KEY",
    "DUMP_ORDER",
    "MODE_OMIT",
    "SETTINGS",
    "CliOption",
    "Kind",
    "Setting",
    "WcsConfigFields",
    "default_record_folder",
    "home_dir",
    "option_settings",
]

BLOCK_UNIT = 4 * 1024 * 1024
"""WCS blocks are multiples of 4 MiB; ``block_size`` must be one."""

MODE_OMIT = 3  # the original's file value for "send no mode"

Kind = Literal["str", "int", "float", "bool", "mode"]

T = TypeVar("T")


class CliOption(NamedTuple):
    """A global option that sets the setting, before or after the command."""

    name: str
    metavar: str
    help: str
    # The place in --help: the options are listed by what they are for (as they always
    # were), not in the order of the file's keys.
    place: int


class Setting(NamedTuple):
    """One row of the table, with the derived columns filled in."""

    field: str
    key: str
    kind: Kind
    env: str
    default: object
    # Computes the default from the environment instead; ``default`` is then what
    # stands for it in a file (an empty value).
    computed: Callable[[Mapping[str, str]], object] | None = None
    option: CliOption | None = None
    policy: str | None = None
    secret: bool = False

    def builtin_default(self, env: Mapping[str, str]) -> object:
        return self.default if self.computed is None else self.computed(env)


# ---------------------------------------------------------------------------
# computed defaults


def home_dir(env: Mapping[str, str]) -> Path:
    home = env.get("HOME")
    return Path(home) if home else Path.home()


def default_record_folder(env: Mapping[str, str] | None = None) -> str:
    """The per-user resume-record folder: ``$XDG_STATE_HOME/wcs-ext/multipart``, else
    ``~/.local/state/wcs-ext/multipart``. Computed on each call from ``env`` (default
    ``os.environ``), never at import time."""
    environ = os.environ if env is None else env
    state = environ.get("XDG_STATE_HOME", "")
    base = Path(state) if state and os.path.isabs(state) else home_dir(environ) / ".local" / "state"
    return str(base / "wcs-ext" / "multipart")


# ---------------------------------------------------------------------------
# declaring a row

_ROW = "wcs_ext.setting"  # the attrs metadata key holding a row's columns


def _as_float(value: float) -> float:
    # Ints become floats; anything else is left for the type check in validation.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def _omit_mode(value: int | None) -> int | None:
    return None if value == MODE_OMIT and not isinstance(value, bool) else value


_CONVERTERS: Mapping[Kind, Callable[[Any], object]] = MappingProxyType(
    {"float": _as_float, "mode": _omit_mode}
)


def _secret_repr(value: str) -> str:
    return "'****'" if value else "''"


# bool before int: True is an int too.
_KIND_OF_DEFAULT: tuple[tuple[type, Kind], ...] = (
    (bool, "bool"),
    (int, "int"),
    (float, "float"),
    (str, "str"),
)


def _kind_of(default: object) -> Kind:
    for python_type, kind in _KIND_OF_DEFAULT:
        if isinstance(default, python_type):
            return kind
    raise TypeError(f"no kind for a default of {default!r}: give kind=")


def setting(
    default: T,
    *,
    kind: Kind | None = None,
    key: str = "",
    env: str = "",
    option: CliOption | None = None,
    policy: str | None = None,
    secret: bool = False,
    computed: Callable[[Mapping[str, str]], T] | None = None,
) -> T:
    """A row: an attrs field of :class:`WcsConfigFields` carrying its columns. Typed as
    its default, so mypy holds the default against the field's annotation."""
    row = Setting(  # field, and key and env when not given, are filled in by _complete
        field="",
        key=key,
        kind=kind or _kind_of(default),
        env=env,
        default=default,
        computed=computed,
        option=option,
        policy=policy,
        secret=secret,
    )
    repr_: Callable[[str], str] | bool = _secret_repr if secret else True
    if computed is not None:
        made: T = attrs.field(
            factory=lambda: computed(os.environ), repr=repr_, metadata={_ROW: row}
        )
    else:
        made = attrs.field(
            default=default, converter=_CONVERTERS.get(row.kind), repr=repr_, metadata={_ROW: row}
        )
    return made


# ---------------------------------------------------------------------------
# the table


# No methods of its own: WcsConfig, the only class made from it, writes __init__,
# __repr__ and __eq__ for all the fields once (making them here too cost every program
# about 3 ms at start-up).
@attrs.frozen(kw_only=True, init=False, repr=False, eq=False)
class WcsConfigFields:
    """The fields of :class:`~wcs_ext.config.WcsConfig`, one per setting, in the order
    of §8.2. WcsConfig adds validation, loading and writing."""

    access_key: str = setting("")
    secret_key: str = setting("", secret=True)
    # One host, or several separated by commas: requests fail over from one to the next.
    put_url: str = setting(
        "",
        option=CliOption(
            "--put-url",
            "URL[,URL...]",
            "uploads: the upload host; several: each failing over to the next.",
            place=25,
        ),
    )
    mgr_url: str = setting(
        "",
        option=CliOption(
            "--mgr-url",
            "URL[,URL...]",
            "the management host; several: each failing over to the next.",
            place=26,
        ),
    )
    # Not in the original: a bucket's download domain, so `get wcs://B/KEY` and the many-file
    # commands can fetch objects by key. `{bucket}` in it stands for the bucket's name
    # (`http://127.0.0.1:8080/dl/{bucket}`, `https://{bucket}.example.com`); without it
    # the domain serves one bucket and the key follows it.
    download_url: str = setting(
        "",
        option=CliOption(
            "--download-url",
            "URL",
            "get: a bucket's download domain ({bucket}: its name).",
            place=24,
        ),
    )
    block_size: int = setting(BLOCK_UNIT)
    bput_size: int = setting(BLOCK_UNIT)
    connection_retries: int = setting(3)
    connection_timeout: float = setting(40.0)
    mkblk_retries: int = setting(3)
    bput_retries: int = setting(3)
    mkfile_retries: int = setting(3)
    # Per user, computed when a config is made (the original's was a shared /tmp folder).
    tmp_record_folder: str = setting("", computed=default_record_folder)
    concurrency: int = setting(4)
    # Not in the original: transfers start at `concurrency` requests at once and grow,
    # while the throughput grows, up to this many (each holds one chunk in memory); over
    # a long path twice as many, each with half a chunk (transfer/pace.py). Set it to
    # `concurrency` (or 0) to pin the number.
    max_concurrency: int = setting(16)
    ishttps: bool = setting(False)
    isverify: bool = setting(True)
    # The original defaults to False (`Connection: close` on every POST, a handshake per
    # chunk, §11). We reuse connections by default on purpose; a file may still say False.
    keepalive: bool = setting(True)
    upload_id: str = setting(
        "",
        option=CliOption(
            "--upload-id", "ID", "multiput: the upload's name (to resume it).", place=1
        ),
    )
    output: str = setting(
        "",
        option=CliOption(
            "--output", "BUCKET:KEY", "accepted like the original; no effect.", place=23
        ),
    )
    notifyurl: str = setting(
        "",
        option=CliOption("--notify", "URL", "jobs: where the server reports the result.", place=20),
    )
    separate: int = setting(
        0, option=CliOption("--separate", "0|1", "jobs: notify per command.", place=21)
    )
    force: int = setting(
        0, option=CliOption("--force", "0|1", "jobs: run even if the target exists.", place=22)
    )
    limit: int = setting(
        1000, option=CliOption("--limit", "N", "list: objects per page, 1..1000.", place=2)
    )
    prefix: str = setting(
        "", option=CliOption("--prefix", "PREFIX", "list: only keys starting with PREFIX.", place=3)
    )
    # list mode 0 or 1; None = not sent (the original's 3, also accepted here)
    mode: int | None = setting(
        None,
        kind="mode",
        option=CliOption(
            "--mode", "0|1", "list: 0 files of a folder first, 1 folders first.", place=4
        ),
    )
    marker: str = setting(
        "", option=CliOption("--marker", "MARKER", "list: continue where a page ended.", place=5)
    )
    overwrite: int = setting(
        0,
        option=CliOption("--overwrite", "0|1", "uploads: 1 replaces an existing object.", place=6),
        policy="overwrite",
    )
    return_url: str = setting(
        "",
        key="returnUrl",
        option=CliOption("--returnurl", "URL", "uploads: policy returnUrl.", place=10),
        policy="return_url",
    )
    return_body: str = setting(
        "",
        key="returnBody",
        option=CliOption("--returnbody", "TEMPLATE", "uploads: policy returnBody.", place=11),
        policy="return_body",
    )
    callback_url: str = setting(
        "",
        key="callbackUrl",
        option=CliOption("--callbackurl", "URL", "uploads: policy callbackUrl.", place=12),
        policy="callback_url",
    )
    callback_body: str = setting(
        "",
        key="callbackBody",
        option=CliOption("--callbackbody", "TEMPLATE", "uploads: policy callbackBody.", place=13),
        policy="callback_body",
    )
    persistent_notify_url: str = setting(
        "",
        key="persistentNotifyUrl",
        option=CliOption("--persistentntyurl", "URL", "uploads: persistentNotifyUrl.", place=15),
        policy="persistent_notify_url",
    )
    persistent_ops: str = setting(
        "",
        key="persistentOps",
        option=CliOption("--persistentops", "OPS", "uploads: policy persistentOps.", place=14),
        policy="persistent_ops",
    )
    content_detect: str = setting(
        "",
        key="contentDetect",
        option=CliOption("--contentdetect", "TYPE", "uploads: policy contentDetect.", place=16),
        policy="content_detect",
    )
    detect_notify_url: str = setting(
        "",
        key="detectNotifyURL",
        option=CliOption("--detectntyurl", "URL", "uploads: policy detectNotifyURL.", place=17),
        policy="detect_notify_url",
    )
    detect_notify_rule: str = setting(
        "",
        key="detectNotifyRule",
        option=CliOption("--detectntyrule", "RULE", "uploads: policy detectNotifyRule.", place=18),
        policy="detect_notify_rule",
    )
    hash_algorithm: str = setting(
        "",
        key="hashAlgorithm",
        option=CliOption("--hashalgorithm", "NAME", "uploads: policy hashAlgorithm.", place=19),
        policy="hash_algorithm",
    )
    # Not a policy field: the policy's deadline is computed from it (a lifetime in s).
    deadline: int = setting(
        7200,
        option=CliOption(
            "--deadline", "SECONDS", "uploads: lifetime of the upload token.", place=7
        ),
    )
    traffic_limit: int = setting(
        0,
        option=CliOption(
            "--traffic_limit",
            "N",
            "transfers: x-wos-traffic-limit header (the server paces each request).",
            place=8,
        ),
    )
    # Not in the original: a download slower than low_speed_limit bytes a second for
    # low_speed_time seconds is given up on, as curl's --speed-limit/--speed-time; 0: never.
    low_speed_limit: int = setting(1024)
    low_speed_time: float = setting(30.0)
    # Not in the original: an object larger than download_parallel_threshold bytes, from a
    # server that takes byte ranges, is fetched in slices of download_slice_size bytes
    # (a multiple of 4 MiB, the etag's piece) over `concurrency` connections; 0: never.
    download_parallel_threshold: int = setting(2 * BLOCK_UNIT)
    download_slice_size: int = setting(2 * BLOCK_UNIT)
    # Not in the original: at most this many bytes a second per transfer (all its workers
    # together; a many-file command shares one limit between its files), as curl's
    # --limit-rate: 2M, 500K, 1.5M (K, M, G: 1024-based); "" or 0: no limit. Held by the
    # client itself; --traffic_limit asks the server instead.
    limit_rate: str = setting(
        "",
        option=CliOption(
            "--limit-rate",
            "RATE",
            "transfers: at most RATE bytes/s (2M, 500K; 0: none), e.g. --limit-rate 2M.",
            place=9,
        ),
    )
    # Not in the original (which sent no type): an upload without a content_type of its
    # own sends the type its key's extension implies (transfer/content_types.py); False
    # sends none, and the server's default applies. The commands' --no-guess-mime-type.
    guess_mime_type: bool = setting(True)


def _complete(attribute: attrs.Attribute[object]) -> Setting:
    """The row of a field, with the derived columns filled in."""
    row: Setting = attribute.metadata[_ROW]
    name = attribute.name
    return row._replace(field=name, key=row.key or name, env=row.env or f"WCS_{name.upper()}")


SETTINGS: tuple[Setting, ...] = tuple(_complete(a) for a in attrs.fields(WcsConfigFields))
"""Every setting, in the order of §8.2 (the order of WcsConfig's fields)."""

BY_FIELD: Mapping[str, Setting] = MappingProxyType({s.field: s for s in SETTINGS})
BY_KEY: Mapping[str, Setting] = MappingProxyType({s.key: s for s in SETTINGS})

DUMP_ORDER: tuple[Setting, ...] = tuple(sorted(SETTINGS, key=lambda s: s.key))
"""The order of ``--dump-config`` and of saved files (§8.3): Python string order of keys."""


def option_settings() -> list[tuple[Setting, CliOption]]:
    """The settings that have a command-line option, in their --help order."""
    pairs = [(s, s.option) for s in SETTINGS if s.option is not None]
    return sorted(pairs, key=lambda pair: pair[1].place)
