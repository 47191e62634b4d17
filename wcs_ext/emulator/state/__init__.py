"""What the emulator keeps: persistence and domain state, nothing of HTTP.

The SQLite metadata (``database``), object bytes on disk (``blob_files``), buckets and
objects (``object_store``), multipart blocks in progress (``multipart_store``), usage
counters (``usage_stats``) and the background jobs: their queue and worker
(``job_queue``) and what each fmgr/fops command does (``job_commands``).
"""
