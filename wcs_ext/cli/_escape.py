"""Terminal-safe text: every character a terminal would act on, written out instead.

Its own module, with nothing but ``re``: the checksum tools print through it and start
without the rest of the command line.
"""

from __future__ import annotations

import re

__all__ = ["UNSAFE", "printable"]

# C0 controls, DEL, C1 controls (U+009B is a CSI of its own), the bidi controls that
# reorder what is shown (Trojan Source), line and paragraph separators, and lone
# surrogates (bytes of a file name that are not UTF-8), which no terminal can show.
UNSAFE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_SHORT = {"\n": r"\n", "\r": r"\r", "\t": r"\t"}


def _escaped(match: re.Match[str]) -> str:
    char = match[0]
    code = ord(char)
    return _SHORT.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    r"""``text`` with each unsafe character written as in a Python string: ``\n``,
    ``\r``, ``\t``, ``\xNN`` below U+0100, ``\uNNNN`` above (ESC shows as ``\x1b``).
    A backslash stays as it is: ``--json`` tells the key ``a\x1b`` from ``a`` + ESC."""
    return UNSAFE.sub(_escaped, text)
