"""`make demo`: the main job of wcs-ext, end to end, on a local WCS emulator.

It starts `wcs-ext emulator` in a temporary folder, then uses the `wcs-ext` command line
as a user would: upload a small file and a multi-block file (with a progress bar on a
terminal), list, check the stored hash against the local etag, download and compare,
delete by prefix as a server-side job, follow the job, and stop the emulator.
"""

from __future__ import annotations

import filecmp
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
# Local-only demo keys: they exist in this emulator and nowhere else.
ACCESS_KEY, SECRET_KEY = "demo-access-key", "demo-secret-key"
MIB = 1024 * 1024


def banner(text: str) -> None:
    print(f"\n== {text}", flush=True)


def run(*argv: str, cwd: Path, capture: bool = False, expect: int = 0) -> str:
    """Run one `wcs-ext` command, showing it; its output goes to the terminal as is."""
    print(f"$ {shlex.join(argv)}", flush=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WCS_")}
    result = subprocess.run(
        [str(BIN / argv[0]), *argv[1:]],
        cwd=cwd,
        env=env,
        check=False,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    if result.returncode != expect:
        raise SystemExit(f"demo failed: `{shlex.join(argv)}` exited {result.returncode}")
    if capture:
        print(result.stdout.rstrip())
    return result.stdout or ""


def start_emulator(data: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WCS_")}
    env["WCS_SECRET_KEY"] = SECRET_KEY  # through the environment, not the process list
    args = [str(BIN / "wcs-ext"), "emulator", "--port", "0", "--data", str(data)]
    args += ["--ak", ACCESS_KEY, "--bucket", "demo"]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        raise SystemExit("demo failed: the emulator did not start")
    return process, json.loads(line)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="wcs-demo-") as folder:
        work = Path(folder)
        banner("1. start a local WCS server (the emulator), data in a temporary folder")
        emulator, ready = start_emulator(work / "data")
        try:
            print(f"upload and management at {ready['put_url']}")
            print(f"downloads at {ready['download_url']}/BUCKET/KEY")
            demo(work, ready)
        finally:
            banner("9. stop the emulator (SIGTERM)")
            emulator.send_signal(signal.SIGTERM)
            code = emulator.wait(15)
            print(f"emulator stopped, exit code {code}")
    print("\ndemo finished: every step worked")
    return 0


def demo(work: Path, ready: dict[str, str]) -> None:
    config = work / "demo.wcscfg"
    config.touch(mode=0o600)  # it holds a secret key: readable by the owner only
    config.write_text(
        f"[default]\naccess_key = {ACCESS_KEY}\nsecret_key = {SECRET_KEY}\n"
        f"put_url = {ready['put_url']}\nmgr_url = {ready['mgr_url']}\n"
    )
    print(f"a config file for it, in the original wcscmd's format: {config.name}")
    cli = ("wcs-ext", "-c", config.name)

    (work / "hello.txt").write_text("hello, WCS\n")
    with (work / "big.bin").open("wb") as out:  # 48 MiB: 12 blocks of 4 MiB, sent 4 at a time
        for i in range(48):
            out.write(os.urandom(MIB) if i % 8 == 0 else bytes([i]) * MIB)

    banner("2. upload a small file (one request) and a big one (parallel blocks)")
    run(*cli, "put", "wcs://demo/hello.txt", "hello.txt", cwd=work)
    run(*cli, "--progress", "put", "wcs://demo/videos/big.bin", "big.bin", cwd=work)

    banner("3. list the bucket")
    run(*cli, "list", "wcs://demo", cwd=work)

    banner("4. the stored hash is the local file's etag")
    stat = json.loads(
        run(*cli, "--json", "stat", "wcs://demo/videos/big.bin", cwd=work, capture=True)
    )
    local = run("wcs-ext", "etag", "big.bin", cwd=work, capture=True).split()[0]
    if stat["hash"] != local:
        raise SystemExit(f"demo failed: stored hash {stat['hash']} != local etag {local}")
    print(f"match: {local}")

    banner("5. download it again and compare the bytes")
    url = f"{ready['download_url']}/demo/videos/big.bin"
    run(*cli, "--progress", "get", url, "copy.bin", cwd=work)
    if not filecmp.cmp(work / "big.bin", work / "copy.bin", shallow=False):
        raise SystemExit("demo failed: the downloaded file differs")
    print("identical: big.bin == copy.bin")

    banner("6. delete everything under videos/ (a job the server runs)")
    job = json.loads(
        run(*cli, "--json", "deletePrefix", "wcs://demo", "videos/", cwd=work, capture=True)
    )

    banner("7. follow the job until it is done")
    for _ in range(50):
        status = json.loads(
            run(*cli, "--json", "fmgrStatus", job["persistent_id"], cwd=work, capture=True)
        )
        if status["finished"]:
            break
        time.sleep(0.2)
    run(*cli, "fmgrStatus", job["persistent_id"], cwd=work)

    banner("8. the bucket now holds only hello.txt")
    run(*cli, "list", "wcs://demo", cwd=work)
    run(*cli, "stat", "wcs://demo/videos/big.bin", cwd=work, expect=1)
    print("(exit code 1 and one line: the object is gone, as it should be)")


if __name__ == "__main__":
    raise SystemExit(main())
