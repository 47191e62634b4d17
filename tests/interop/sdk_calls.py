"""Run calls on the ORIGINAL SDK's ``Client`` and print what they returned, as JSON.

This file runs inside the original SDK's own virtualenv (``tests/original_sdk.py``),
never in the project's: it may import only the standard library and the SDK, and only
the SDK's public API (``Config(path)``, ``Client(config)`` and its methods).

Input, on stdin::

    {"config": "/path/to/wcscfg",
     "calls": [{"method": "stat", "args": ["b", "k"], "kwargs": {},
                "poll": false}, ...]}

An argument may be ``{"$result": [i, k1, k2, ...]}``: the value found at
``results[i][k1][k2]...`` (e.g. the ``persistentId`` a job submission returned).
``"poll": true`` repeats a status call until the job is finished (top-level ``code``
no longer 0 pending or 1 processing) or 20 s have passed.

Output, on stdout (the SDK's own prints are sent to stderr)::

    {"results": [<the call's return value: tuples become lists, other objects repr>
                 or {"exception": "Type: message"}, ...],
     "seconds": [<wall time of each call>],
     "peak_rss_kib": <VmHWM of this process at the end>,
     "cpu_seconds": <user + system CPU time of this process>,
     "children_max_rss_kib": <largest peak RSS among child processes it waited for>,
     "children_cpu_seconds": <their user + system CPU time>}
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import sys
import time
import traceback
from typing import Any

_UNFINISHED = {0, 1, "0", "1"}
_POLL_SECONDS = 20.0


def _resolve(value: Any, results: list[Any]) -> Any:
    if isinstance(value, dict) and set(value) == {"$result"}:
        path = value["$result"]
        found = results[path[0]]
        for step in path[1:]:
            found = found[step]
        return found
    if isinstance(value, list):
        return [_resolve(item, results) for item in value]
    return value


def _plain(value: Any) -> Any:
    """JSON-ready: tuples as lists, anything JSON cannot hold (exception objects the SDK
    puts in its result tuples) as its repr."""
    return json.loads(json.dumps(value, default=repr))


def _finished(result: Any) -> bool:
    body = result[1] if isinstance(result, tuple) and len(result) > 1 else None
    return isinstance(body, dict) and body.get("code") not in _UNFINISHED


def _peak_rss_kib() -> int:
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> int:
    plan = json.load(sys.stdin)
    # The SDK and its helpers print to stdout; only our JSON may go there. Redirect
    # file descriptor 1 itself, so child processes (multipart spawns one) follow.
    answer_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    # Imported by name: the SDK is not installed where the project's type checker runs.
    config_class = importlib.import_module("wcs.commons.config").Config
    client_class = importlib.import_module("wcs.services.client").Client
    client = client_class(config_class(plan["config"]))

    results: list[Any] = []
    seconds: list[float] = []
    for call in plan["calls"]:
        method = getattr(client, call["method"])
        args = _resolve(call.get("args", []), results)
        kwargs = {k: _resolve(v, results) for k, v in call.get("kwargs", {}).items()}
        start = time.perf_counter()
        try:
            result = method(*args, **kwargs)
            while call.get("poll") and not _finished(result):
                if time.perf_counter() - start > _POLL_SECONDS:
                    break
                time.sleep(0.05)
                result = method(*args, **kwargs)
            results.append(_plain(result))
        except Exception as exc:  # the caller decides whether an exception is a failure
            traceback.print_exc()
            results.append({"exception": f"{type(exc).__name__}: {exc}"})
        seconds.append(time.perf_counter() - start)

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    answer = {
        "results": results,
        "seconds": seconds,
        "peak_rss_kib": _peak_rss_kib(),
        "cpu_seconds": own.ru_utime + own.ru_stime,
        "children_max_rss_kib": children.ru_maxrss,
        "children_cpu_seconds": children.ru_utime + children.ru_stime,
    }
    with os.fdopen(answer_fd, "w") as out:
        json.dump(answer, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
