"""The emulator's HTTP routes, one module per group, and the helpers they share.

Route groups: ``uploads`` (form upload, mkblk, bput, mkfile), ``objects`` (object and
bucket management), ``jobs`` (fmgr/fops submissions and status polls) and
``downloads``. Shared by them: ``token_checks`` (upload and management tokens),
``multipart_form`` (the streaming form reader) and ``upload_templates`` (saveKey and
returnBody variables).
"""
