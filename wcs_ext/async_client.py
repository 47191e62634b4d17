"""``AsyncWcs``: the asyncio client, the same operations, names and results as
:class:`~wcs_ext.client.Wcs`, each call awaited.

::

    from wcs_ext import AsyncWcs, WcsConfig
    async with AsyncWcs(WcsConfig.load()) as wcs:
        await wcs.upload_file("cat.jpg", "photos", "2026/cat.jpg")
        async for obj in wcs.iter_objects("photos", prefix="2026/"):
            print(obj.key, obj.size)

This module is its stable import path; the code lives in ``wcs_ext/_async/``.
"""

from ._async.client import AsyncWcs

__all__ = ["AsyncWcs"]
