"""``saveKey`` and ``returnBody`` templates: ``$(name)`` and ``$(x:name)`` variables.

saveKey (simple upload only, as the docs say) supports ``$(bucket)``, ``$(etag)`` and
its alias ``$(hash)``, ``$(fname)`` (the file part's name), ``$(ext)`` (its extension
with the dot), ``$(fsize)``, ``$(year) $(mon) $(day) $(hour) $(min) $(sec)`` (UTC
upload time) and ``$(x:name)`` (form field ``x:name``). Any other variable is a 400:
a silently wrong key is worse than a refusal.

returnBody supports the same plus ``$(key)`` and ``$(mimeType)``; unknown variables
render empty. The answer is a JSON object: the rendered template itself when it is
one, else the ``name=value&...`` pairs it renders to; ``key`` and ``hash`` are added
when the template leaves them out, as the docs describe for mkfile.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
from collections.abc import Mapping
from typing import Any

import attrs

from ..errors import bad_request

__all__ = ["UploadFacts", "render_return_body", "render_save_key", "render_template"]

_VARIABLE = re.compile(r"\$\(([^)]*)\)")


@attrs.frozen(kw_only=True)
class UploadFacts:
    """What a template may refer to, for one upload."""

    bucket: str
    hash: str
    size: int
    put_ms: int
    fname: str = ""
    key: str = ""
    mime_type: str = ""
    user_vars: Mapping[str, str] = attrs.field(factory=dict)

    def values(self) -> dict[str, str]:
        when = dt.datetime.fromtimestamp(self.put_ms / 1000, tz=dt.UTC)
        values = {
            "bucket": self.bucket,
            "etag": self.hash,
            "hash": self.hash,
            "fname": self.fname,
            "ext": posixpath.splitext(self.fname)[1],
            "fsize": str(self.size),
            "year": f"{when.year:04d}",
            "mon": f"{when.month:02d}",
            "day": f"{when.day:02d}",
            "hour": f"{when.hour:02d}",
            "min": f"{when.minute:02d}",
            "sec": f"{when.second:02d}",
        }
        values.update({f"x:{name}": value for name, value in self.user_vars.items()})
        return values


def render_save_key(template: str, facts: UploadFacts) -> str:
    values = facts.values()

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise bad_request(f"saveKey: the emulator does not support $({name})")
        return values[name]

    return _VARIABLE.sub(substitute, template)


def render_template(template: str, facts: UploadFacts) -> str:
    """returnBody / callbackBody text: unknown variables render empty."""
    values = facts.values() | {"key": facts.key, "mimeType": facts.mime_type}
    as_json = template.lstrip().startswith("{")

    def substitute(match: re.Match[str]) -> str:
        value = values.get(match.group(1), "")
        # Inside a JSON template a value lands inside a string or as a number:
        # escape it as string content so the result still parses.
        return json.dumps(value)[1:-1] if as_json else value

    return _VARIABLE.sub(substitute, template)


def render_return_body(template: str, facts: UploadFacts) -> dict[str, Any]:
    rendered = render_template(template, facts)
    body: dict[str, Any] | None = None
    if template.lstrip().startswith("{"):
        try:
            parsed = json.loads(rendered)
        except ValueError:
            parsed = None
        body = parsed if isinstance(parsed, dict) else None
    if body is None:
        body = {}
        for pair in rendered.split("&"):
            if pair:
                name, _, value = pair.partition("=")
                body[name] = value
    body.setdefault("key", facts.key)
    body.setdefault("hash", facts.hash)
    return body
