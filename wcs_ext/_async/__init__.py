"""The clients' I/O, written once as asyncio code: ``AsyncWcs``, its resources and its
transfers. ``make generate`` turns every module here but ``_io.py`` into its synchronous
twin under ``wcs_ext/_sync/`` (unasync); ``_io.py`` is the one hand-written pair: the few
primitives (sleeping, reading a file, running blocks side by side) that differ by more
than ``await``.
"""
