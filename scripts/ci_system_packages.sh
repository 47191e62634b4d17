#!/usr/bin/env bash
# System packages the tests use but pip cannot install: Debian's Chromium for the
# emulator page's browser check (tests/test_emulator_browse.py). CI runs this before
# `make test`; on a developer's machine the test skips with the reason instead.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "note: no chromium, and no root apt-get to install it: the browser check will skip" >&2
    exit 0
fi
echo "installing chromium (Debian package) for the browser check..."
export DEBIAN_FRONTEND=noninteractive
# A stale package index is the common reason an install fails: refresh once and retry.
apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y --no-install-recommends chromium >/dev/null; } \
    || echo "note: installing chromium failed: the browser check will skip" >&2
