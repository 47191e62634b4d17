"""``--include``/``--exclude``/``--exclude-from``: gitignore rules over paths relative
to the source root (``/`` separated, as keys are).

One rule: a path takes part when no include pattern was given or it matches one, and it
matches no exclude pattern. What does not take part is neither sent nor deleted, on
either side.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ..errors import WcsInputError

if TYPE_CHECKING:
    import pathspec

__all__ = ["PathFilter", "read_patterns"]


def _spec(patterns: Sequence[str], what: str) -> pathspec.GitIgnoreSpec | None:
    if not patterns:
        return None
    # Imported for the runs that filter: every other command (a `stat`) starts faster.
    import pathspec  # noqa: PLC0415

    try:
        return pathspec.GitIgnoreSpec.from_lines(patterns)
    except (ValueError, TypeError) as exc:  # pathspec's word for a malformed pattern
        raise WcsInputError(f"bad {what} pattern: {exc}") from None


@attrs.frozen
class PathFilter:
    """Which relative paths take part in a run (see the module)."""

    include: pathspec.GitIgnoreSpec | None = None
    exclude: pathspec.GitIgnoreSpec | None = None

    @classmethod
    def of(cls, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> PathFilter:
        return cls(_spec(include, "--include"), _spec(exclude, "--exclude"))

    def selects(self, rel: str) -> bool:
        if self.include is not None and not self.include.match_file(rel):
            return False
        return self.exclude is None or not self.exclude.match_file(rel)


def read_patterns(files: Iterable[Path]) -> list[str]:
    """The patterns of ``--exclude-from`` files: one a line, as in a .gitignore (blank
    lines and ``#`` comments are ignored by the rules themselves)."""
    patterns: list[str] = []
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise WcsInputError(f"cannot read {file}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise WcsInputError(f"{file} is not UTF-8 text") from None
        patterns.extend(text.splitlines())
    return patterns
