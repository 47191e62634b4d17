"""What a MIME type stored with an object may be: the one rule the client (before it
sends ``content_type=``) and the emulator (before it stores a ``mimeType``) both apply.

WCS stores the type as given and a download's ``Content-Type`` header carries it, so it
must be a header value: a media type of RFC 9110 §8.3.1, ``type/subtype`` with optional
``; name=value`` parameters, printable ASCII only. A CR or LF in it would end the
header, a missing ``/`` makes a type no browser can use.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["DEFAULT_MEDIA_TYPE", "MAX_MEDIA_TYPE_LENGTH", "is_media_type"]

DEFAULT_MEDIA_TYPE: Final = "application/octet-stream"
"""What bytes of no known type are (RFC 2046 §4.5.1)."""

MAX_MEDIA_TYPE_LENGTH: Final = 255
"""RFC 6838 §4.2 caps type and subtype at 127 characters each; a type with parameters
beyond this is surely not what the caller meant to send."""

# RFC 9110 §5.6.2: the characters of a token (a type, a subtype, a parameter name).
_TCHARS: Final = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED: Final = r'"(?:[\t !#-\[\]-~]|\\[\t -~])*"'
_PARAMETER: Final = rf"[ \t]*;[ \t]*{_TCHARS}=(?:{_TCHARS}|{_QUOTED})"
_MEDIA_TYPE: Final = re.compile(rf"{_TCHARS}/{_TCHARS}(?:{_PARAMETER})*")


def is_media_type(text: str) -> bool:
    """Whether ``text`` is a media type a header can carry (``text/html; charset=utf-8``)."""
    return len(text) <= MAX_MEDIA_TYPE_LENGTH and _MEDIA_TYPE.fullmatch(text) is not None
