"""`make demo`: what wcs-ext does, run through its command line, explained as it goes.

Every step is a real `wcs-ext` (or drop-in tool) process; the output is shown as a
user would see it. Nothing outside a temporary folder is touched.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

BIN = Path(sys.executable).parent
# Local demo keys: they sign requests in this demo only and grant nothing anywhere.
DEMO_ENV = {"WCS_ACCESS_KEY": "demo-access-key", "WCS_SECRET_KEY": "demo-secret-key"}


def step(title: str, *argv: str, cwd: Path, expect_exit: int = 0) -> str:
    print(f"\n--- {title}\n$ {shlex.join(argv)}", flush=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WCS_")} | DEMO_ENV
    result = subprocess.run(
        [str(BIN / argv[0]), *argv[1:]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    print((result.stdout + result.stderr).rstrip())
    if result.returncode != expect_exit:
        raise SystemExit(f"demo step failed with exit code {result.returncode}: {title}")
    return result.stdout


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="wcs-demo-") as folder:
        work = Path(folder)
        (work / "hello.txt").write_bytes(b"hello wcs\n")
        with (work / "big.bin").open("wb") as out:  # 9 MiB + a bit: three 4 MiB blocks
            for i in range(9):
                out.write(bytes([i]) * (1024 * 1024))
            out.write(b"tail")
        print("wcs-ext demo: checksums and tokens (the local emulator comes with issue 5)")
        step("the WCS hash (etag) of local files, as `stat` would report it",
             "wcs-ext", "etag", "hello.txt", "big.bin", cwd=work)  # fmt: skip
        step("the same through the original tool's drop-in, same output format",
             "wcs_etag_cal", "etag", "hello.txt", "big.bin", cwd=work)  # fmt: skip
        step("CRC-64 (crc64ecma) of a file", "wcs-ext", "crc64", "big.bin", cwd=work)
        step("an upload token for one key, valid 10 minutes",
             "wcs-ext", "--json", "token", "upload", "--scope", "demo:hello.txt",
             "--lifetime", "600", cwd=work)  # fmt: skip
        step("the Authorization value of a management request",
             "wcs-ext", "token", "manage", "/bucket/list", cwd=work)  # fmt: skip
        step("a typo: one clear line and exit code 2, never a traceback",
             "wcs-ext", "etag", "no-such-file.txt", cwd=work, expect_exit=2)  # fmt: skip
    print("\ndemo finished: all steps succeeded")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
