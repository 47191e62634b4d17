"""``sdk_calls.py`` with every HTTP request the original SDK sends counted.

Runs inside the original SDK's virtualenv, as ``sdk_calls.py`` does (same stdin, same
JSON on stdout); each request that reaches the wire is one ``[method, path, status]``
(or the exception's name instead of a status) in the JSON list written to the file
named by the first argument. Counted at ``requests``' ``HTTPAdapter.send``, under the
SDK's own retry loops, so every attempt is one entry.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import threading
from typing import Any
from urllib.parse import urlsplit

# Imported by name: neither is installed where the project's type checker runs.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sdk_calls = importlib.import_module("sdk_calls")
_ADAPTER = importlib.import_module("requests.adapters").HTTPAdapter

SENT: list[list[Any]] = []
_LOCK = threading.Lock()
_SEND = _ADAPTER.send


def _counted_send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
    path = urlsplit(request.url).path
    try:
        response = _SEND(self, request, *args, **kwargs)
    except Exception as exc:
        with _LOCK:
            SENT.append([request.method, path, type(exc).__name__])
        raise
    with _LOCK:
        SENT.append([request.method, path, response.status_code])
    return response


def main() -> int:
    _ADAPTER.send = _counted_send
    code = int(sdk_calls.main())
    with open(sys.argv[1], "w") as out:
        json.dump(SENT, out)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
