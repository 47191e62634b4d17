"""The emulator's HTTP routes, one module per group, and the helpers they share.

Route groups, each with a ``routes()`` list: ``uploads`` (form upload, mkblk, bput,
mkfile), ``objects`` (list, stat, delete, move, copy, setdeadline), ``buckets`` (bucket
list and usage reports), ``media`` (imageDetect, wslive), ``jobs`` (fmgr/fops
submissions and status polls), ``downloads``, and the emulator's own pages, ``stats``
(``/_emulator/stats``) and ``browse`` (``/``, HTML). Shared by them: ``request_parsing``
(bodies, forms, Base64 values, numbers), ``answers`` (WCS answer shapes),
``blob_response`` (a download's bytes, from the open blob), ``token_checks``
(upload and management tokens), ``management_call`` (a checked management request),
``multipart_form`` (the streaming form reader), ``upload_policy`` (what a put policy
decides) and ``upload_templates`` (saveKey and returnBody variables).
"""
