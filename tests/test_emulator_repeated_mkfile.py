"""A mkfile sent again while the first one is still assembling (its answer was lost and
the client retried at once) gets the first one's answer, never a 500 or a ctx error."""

from __future__ import annotations

import os
import threading

import httpx

from wcs_ext.protocol.checksum import etag_bytes
from wcs_ext.protocol.signing import Credentials, PutPolicy, upload_token

from .conftest import EMULATOR_AK, EMULATOR_SK, EmulatorProcess

BUCKET = "e2e"
BLOCK = 4 * 1024 * 1024
CREDENTIALS = Credentials(access_key=EMULATOR_AK, secret_key=EMULATOR_SK)
ATTEMPTS = 6
SENDERS = 4


def test_concurrent_repeats_of_a_mkfile_all_get_its_answer(emulator: EmulatorProcess) -> None:
    answers: list[tuple[int, str]] = []
    expected: list[str] = []
    for attempt in range(ATTEMPTS):
        key = f"repeat/mkfile-{attempt}"
        token = upload_token(CREDENTIALS, PutPolicy.for_object(BUCKET, key, lifetime=600))
        blocks = [os.urandom(BLOCK) for _ in range(2)]
        ctxs = []
        for index, block in enumerate(blocks):
            made = httpx.post(
                f"{emulator.put_url}/mkblk/{BLOCK}/{index}",
                content=block,
                headers={"Authorization": token},
                timeout=30,
            )
            assert made.status_code == 200, made.text
            ctxs.append(made.json()["ctx"])
        expected += [f'{{"hash":"{etag_bytes(b"".join(blocks))}","key":"{key}"}}'] * SENDERS

        def send(token: str = token, ctxs: list[str] = ctxs) -> None:
            answer = httpx.post(
                f"{emulator.put_url}/mkfile/{2 * BLOCK}",
                content=",".join(ctxs),
                headers={"Authorization": token},
                timeout=30,
            )
            answers.append((answer.status_code, answer.text))

        senders = [threading.Thread(target=send) for _ in range(SENDERS)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(60)
    wrong = [answer for answer in answers if answer[0] != 200 or answer[1] not in expected]
    assert not wrong, f"{len(wrong)} of {len(answers)} answers were wrong: {wrong[:3]}"
    assert sorted(text for _, text in answers) == sorted(expected)


def test_a_refused_mkfile_is_refused_again_and_keeps_its_blocks(
    emulator: EmulatorProcess,
) -> None:
    """The key holds other bytes and the token may not overwrite: 614, also for the
    repeat, and the blocks (their file already made ready to be the object) stay for a
    token that may."""
    key = "repeat/refused"
    blocks = [os.urandom(BLOCK), b"tail"]
    size = sum(map(len, blocks))

    def token(overwrite: int) -> str:
        policy = PutPolicy.for_object(BUCKET, key, lifetime=600, overwrite=overwrite)
        return upload_token(CREDENTIALS, policy)

    def upload_blocks(blocks: list[bytes], batch: str) -> list[str]:
        ctxs: list[str] = []
        for index, block in enumerate(blocks):
            made = httpx.post(
                f"{emulator.put_url}/mkblk/{len(block)}/{index}",
                content=block,
                headers={"Authorization": token(1), "uploadBatch": batch},
                timeout=30,
            )
            assert made.status_code == 200, made.text
            ctxs.append(made.json()["ctx"])
        return ctxs

    def mkfile(ctxs: list[str], overwrite: int, size: int = size) -> httpx.Response:
        return httpx.post(
            f"{emulator.put_url}/mkfile/{size}",
            content=",".join(ctxs),
            headers={"Authorization": token(overwrite)},
            timeout=30,
        )

    other = [os.urandom(BLOCK), b"other"]
    assert mkfile(upload_blocks(other, "first"), 1, sum(map(len, other))).status_code == 200
    ctxs = upload_blocks(blocks, "second")
    for _ in range(2):
        refused = mkfile(ctxs, 0)
        assert refused.status_code == 614, refused.text
    stored = mkfile(ctxs, 1)
    assert stored.status_code == 200, stored.text
    assert stored.json()["hash"] == etag_bytes(b"".join(blocks))
    fetched = httpx.get(emulator.url_of(BUCKET, key), timeout=30)
    assert fetched.content == b"".join(blocks)
