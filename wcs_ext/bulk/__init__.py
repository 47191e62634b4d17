"""Many objects at once: directory sync, recursive put and get, batch jobs.

Deciding is kept apart from doing. Pure, testable without a server: ``filters``
(--include/--exclude), ``keys`` (keys <-> local paths, the safe-name rule applied per
component), ``sync_plan`` (what to send, skip and delete), ``batch_plan`` (how many fmgr
jobs a batch takes). With local files only: ``local_tree`` (which entries are synced,
which are warned about), ``etag_cache`` (local etags kept by path, size, times and
inode). Doing, over a :class:`~wcs_ext.Wcs`: ``parallel`` (workers that keep going
past a failure), ``tree_run`` (send, fetch, delete files), ``batch_run`` (fmgr jobs,
results per key).
"""
