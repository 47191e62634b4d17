"""The synchronous twin of ``wcs_ext/_async/``, generated from it by ``make generate``:
``Wcs``, its resources and its transfers. Only ``_io.py`` (threads, ``time.sleep``,
``os.pread``) is written by hand here; edit the async source for everything else.
"""
