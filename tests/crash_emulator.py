"""``wcs-ext`` whose emulator SIGKILLs itself once, right after one step of a mkfile, so
a test can kill it at a point no timer could hit (``tests/test_suite_crash.py``).

``python tests/crash_emulator.py STEP MARKER emulator ...``: STEP is ``after-store``
(the object is stored), ``after-remember`` (its answer is remembered for a repeated
mkfile) or ``after-discard`` (its blocks are deleted). The process dies the first time
the step is done while MARKER does not exist, and makes MARKER first, so the same
command started again (same data directory) serves normally.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wcs_ext.cli._app import run
from wcs_ext.emulator.state.multipart_store import BlockStore
from wcs_ext.emulator.state.object_store import ObjectStore

STEPS: dict[str, tuple[type[Any], str]] = {
    "after-store": (ObjectStore, "store"),
    "after-remember": (BlockStore, "remember"),
    "after-discard": (BlockStore, "discard"),
}


def die_once_after(cls: type[Any], name: str, marker: Path) -> None:
    step: Callable[..., Any] = getattr(cls, name)

    @functools.wraps(step)
    def hooked(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = step(self, *args, **kwargs)
        if not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(cls, name, hooked)


if __name__ == "__main__":
    step, marker, *arguments = sys.argv[1:]
    die_once_after(*STEPS[step], Path(marker))
    sys.exit(run(arguments, prog_name="wcs-ext"))
