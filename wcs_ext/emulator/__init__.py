"""A real local WCS server: ``wcs-ext emulator``.

Starlette + uvicorn, metadata in SQLite, object bytes in files under the data directory.
Upload and management endpoints share one port; objects are served at
``{download_url}/{bucket}/{key}`` with Range support. It checks every token as WCS
does and answers in WCS's shapes, so this package's client and the original SDK both
work against it unchanged.

Where the WCS documentation is silent, the emulator decides as follows (each module
explains its part):

* errors are ``{"code": "<code>", "message": ...}``; 400 bad request, 401 bad token
  (signature, unknown access key, expired deadline, key outside the scope, undecodable
  policy or one whose strings are not Unicode text, ``fsizeLimit`` exceeded), 404
  missing bucket/key/job/endpoint, 405 wrong method, 413 oversized form, 416 bad range,
  501 ``/imageDetect``, 579 failed upload callback (unreachable, or no http(s) URL),
  614 key exists (upload without ``overwrite``, move/copy onto a key); multipart ctx
  problems are HTTP 400 with WCS code 701 (``state.ctx_tokens``);
* a number in a path, query or form (sizes, offsets, indexes, ``limit``, times, days)
  must be ASCII decimal digits within what the emulator can store, else 400
  (``endpoints.request_parsing``); ``deadline`` days are -1 (never) or 0..1000000;
* a download or copy serves the version its lookup found, whole, even if the key is
  overwritten meanwhile (``state.object_store``);
* URLs it is told to reach (callbacks, notifications, fetches) must be absolute
  http(s) URLs, or the call fails as an unreachable one does; a ``returnUrl`` is
  percent-encoded where a header cannot hold it (``outgoing``);
* a key that already holds the same bytes is not a conflict: the upload (or copy) is
  acknowledged, so repeating a request whose answer was lost is safe
  (``state.object_store``);
* ``saveKey`` and ``returnBody`` variables: see ``endpoints.upload_templates``;
* ``/bucket/stat`` reports, per day, the storage of the objects stored now by their
  upload day (MiB-based MB, 3 decimals); ``/bucket/statistics`` answers
  ``{"code", "message", "name", "type", "data": [{"time": "YYYY-MM-DD", "value": n}]}``
  for ``uploadRequest``, ``uploadTraffic``, ``downloadRequest``, ``downloadTraffic``;
* ``/list``: ``marker`` is ``b64u(last name of the page)``, ``""`` on the last page;
  without ``mode`` keys come flat in byte order; ``mode`` 0 lists a directory's files
  then its folders, 1 the folders first;
* ``expirationDate`` is ``YYYY-MM-DD hh:mm:ss`` in UTC, ``""`` when none;
* fmgr/fops jobs and faults: see ``state.job_queue``, ``state.job_commands`` and
  ``faults``;
* ``/wslive/list`` answers the recordings it was seeded with (``live_recordings``),
  none by default; its times must be ``YYYYMMDDhhmmss``, else 400.

Not WCS's, for people and tests: ``GET /`` (the buckets and objects as a read-only
HTML page), ``GET /_emulator/stats`` (requests, bytes and faults counted) and the
request log (``--log``), both kept by ``traffic``.

Layout: ``endpoints`` holds the HTTP routes and what they share to read requests and
answer; ``state`` what the emulator keeps (SQLite, blob files, objects, multipart
blocks, jobs); here, the app (``app``), the uvicorn server and its ready line
(``server``), the state of one running emulator (``runtime``), its ``settings``,
fault injection (``faults``), what it counts and logs (``traffic``), the live
recordings it answers (``live_recordings``), the URLs it reaches (``outgoing``), and
the ``errors`` and ``clock`` every layer uses. Only its user may read the data directory
(``state.private_files``).
"""

from .app import create_app
from .runtime import make_data_dir
from .server import ready_info, serve
from .settings import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, EmulatorSettings

__all__ = [
    "DEMO_ACCESS_KEY",
    "DEMO_SECRET_KEY",
    "EmulatorSettings",
    "create_app",
    "make_data_dir",
    "ready_info",
    "serve",
]
