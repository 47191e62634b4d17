"""``Wcs``: the synchronous client, every WCS operation as a typed method.

::

    from wcs_ext import Wcs, WcsConfig
    with Wcs(WcsConfig.load()) as wcs:
        wcs.upload_file("cat.jpg", "photos", "2026/cat.jpg")
        for obj in wcs.iter_objects("photos", prefix="2026/"):
            print(obj.key, obj.size)

It is generated from the asyncio client (``wcs_ext/_async/client.py``, see
``docs/architecture.md``); this module is its stable import path.
"""

from ._sync.client import Wcs
from .transfer.settings import DEFAULT_MULTIPART_THRESHOLD

__all__ = ["DEFAULT_MULTIPART_THRESHOLD", "Wcs"]
