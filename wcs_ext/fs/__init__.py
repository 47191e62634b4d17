"""``wcs://`` paths for fsspec, and so for pandas, Dask and pyarrow
(``pip install 'wcs-ext[fsspec]'``)::

    import pandas as pd
    df = pd.read_csv("wcs://bucket/data.csv", storage_options={"profile": "prod"})

    from wcs_ext.fs import WcsFileSystem
    fs = WcsFileSystem()                      # ~/.wcscfg + WCS_* variables, as the CLI
    fs.ls("bucket/2026/")
    with fs.open("bucket/2026/report.bin", "wb") as f:   # sent block by block,
        f.write(data)                                    # made at close

fsspec finds the filesystem for ``wcs://`` through the package's entry point.
:class:`AsyncWcsFileSystem` is the same for asyncio code.
"""

from .file import WcsFile
from .filesystem import AsyncWcsFileSystem, WcsFileSystem

__all__ = ["AsyncWcsFileSystem", "WcsFile", "WcsFileSystem"]
