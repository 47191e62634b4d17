"""What the filesystem tests share: the storage options of the session's emulator."""

from __future__ import annotations

from typing import Any

from tests.conftest import EmulatorProcess


def fs_options(emulator: EmulatorProcess, **overrides: Any) -> dict[str, Any]:
    """Explicit storage options for ``emulator`` (no config file, no WCS_* needed)."""
    options: dict[str, Any] = {
        "access_key": emulator.access_key,
        "secret_key": emulator.secret_key,
        "put_url": emulator.put_url,
        "mgr_url": emulator.mgr_url,
        "download_url": f"{emulator.download_url}/{{bucket}}",
        "connection_timeout": 10.0,
        "max_concurrency": 0,
        "tmp_record_folder": str(emulator.data_dir.with_name("records")),
    }
    options.update(overrides)
    return options
