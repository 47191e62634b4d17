"""What the emulator keeps: persistence and domain state, nothing of HTTP.

The SQLite metadata (``database``), object bytes on disk (``blob_files``), buckets and
objects (``object_store``) and the rules for their keys (``object_keys``), multipart
blocks in progress (``multipart_store``) and their ctx tokens (``ctx_tokens``), usage
counters (``usage_stats``), and the background jobs: their queue and worker
(``job_queue``) and what each fmgr/fops command does (``job_commands``).
"""
