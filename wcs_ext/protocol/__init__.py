"""The WCS rules both sides share: the client (``wcs_ext``) and the emulator.

Pure code, no network and no httpx: Base64 and entries (:mod:`.encoding`), credentials,
the upload policy and both tokens (:mod:`.signing`), etag and CRC-64 (:mod:`.checksum`),
the fmgr op grammar (:mod:`.fmgr_ops`) and the block plan with its acknowledgements
(:mod:`.blocks`). The emulator imports nothing else of the client side, so the two can
only agree on a byte because they share it here.

Each module loads on first use (``protocol.checksum`` brings fastcrc): the client's
transfer classes reach them as ``protocol.blocks.BlockSpan`` and do not pay for what
a program never uses.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from ._submodules import load_submodule

if TYPE_CHECKING:
    from . import blocks as blocks
    from . import checksum as checksum
    from . import encoding as encoding
    from . import fmgr_ops as fmgr_ops
    from . import media_types as media_types
    from . import signing as signing


def __getattr__(name: str) -> ModuleType:
    """``protocol.checksum`` and the like: the module of that name here, imported now."""
    return load_submodule(__name__, name)
