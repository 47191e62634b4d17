"""Every tunable of a transfer in one place: :class:`TransferConfig`, from the settings."""

from __future__ import annotations

import attrs

from .._retry import RetryPolicy
from ..config import WcsConfig
from .bandwidth import parse_rate

__all__ = [
    "DEFAULT_MULTIPART_THRESHOLD",
    "LONG_PATH_WIDTH",
    "StepRetries",
    "TransferConfig",
    "most_concurrency",
    "start_concurrency",
    "widest_concurrency",
]

DEFAULT_MULTIPART_THRESHOLD = 4 * 1024 * 1024
"""Files larger than one default block go as parallel blocks (faster, and resumable)."""


def start_concurrency(config: WcsConfig) -> int:
    """Blocks in flight a transfer starts with (``concurrency``; 0: one at a time)."""
    return max(config.concurrency, 1)


def most_concurrency(config: WcsConfig) -> int:
    """Blocks in flight a transfer may grow to while its throughput grows
    (``max_concurrency``). Never below the start: ``max_concurrency`` 0 or at most
    ``concurrency`` pins it, and so does ``concurrency = 0`` (sequential, as the
    original)."""
    if config.concurrency == 0:
        return 1
    return max(config.max_concurrency, start_concurrency(config))


LONG_PATH_WIDTH = 2
"""On a long path a transfer that is not pinned runs this many times ``max_concurrency``
requests, an upload's each with this share of a chunk (as many bytes in memory; a
download's slices hold none): every TCP connection starts with a window of 10 segments
that doubles a round trip, so twice as many reach the link's window together one round
trip sooner, and over a long path a round trip is a large part of a transfer's time."""


def widest_concurrency(config: WcsConfig) -> int:
    """Requests in flight a transfer may ever have: ``most_concurrency``, times
    :data:`LONG_PATH_WIDTH` once a long path is known, unless the number is pinned."""
    most = most_concurrency(config)
    return most * LONG_PATH_WIDTH if most > start_concurrency(config) else most


MIN_LONG_PATH_CHUNK = 1024 * 1024
"""An upload's chunk is divided on a long path only while its parts stay this large: a
request waits a round trip for its answer, which a smaller one would barely outlast."""


@attrs.frozen(kw_only=True)
class StepRetries:
    """Attempts per request kind: ``mkblk_retries``, ``bput_retries``, ``mkfile_retries``,
    and ``connection_retries`` for a whole-file form upload."""

    mkblk: RetryPolicy
    bput: RetryPolicy
    mkfile: RetryPolicy
    form: RetryPolicy


@attrs.frozen(kw_only=True)
class TransferConfig:
    """How uploads and downloads move bytes.

    A file's blocks start ``concurrency`` at a time and, while the throughput grows, up
    to ``max_concurrency`` (:mod:`~wcs_ext.transfer.pace`); at most ``max_in_flight``
    blocks are submitted and not yet done (each holds at most one chunk of a file, or its
    whole bytes for a stream), so memory does not grow with the number of blocks. On a
    long path both are ``long_path_width`` times as many, each request with that share
    of a chunk. A stream stays at ``concurrency``: its blocks are held whole in memory.
    """

    multipart_threshold: int = DEFAULT_MULTIPART_THRESHOLD
    block_size: int
    chunk_size: int
    concurrency: int
    max_concurrency: int
    max_in_flight: int
    record_folder: str
    retries: StepRetries
    download_retries: int
    traffic_limit: int = 0
    limit_rate: int = 0
    """Bytes a second each transfer may move, all its workers together (0: no limit)."""
    download_parallel_threshold: int = 0
    """Objects larger than this are fetched in slices (0: never)."""
    download_slice_size: int = 8 * 1024 * 1024
    guess_mime_type: bool = True
    """Uploads send the type their key implies when the call forces none."""
    long_path_width: int = 1
    """How many times ``max_concurrency`` a transfer may run on a long path (1: pinned)."""

    @property
    def upload_long_path_width(self) -> int:
        """``long_path_width`` for an upload: its chunks are divided by it, while the
        parts stay at least :data:`MIN_LONG_PATH_CHUNK`."""
        width = self.long_path_width
        return width if self.chunk_size >= width * MIN_LONG_PATH_CHUNK else 1

    @classmethod
    def from_config(
        cls,
        config: WcsConfig,
        backoff: RetryPolicy | None = None,
        *,
        multipart_threshold: int | None = None,
    ) -> TransferConfig:
        """Attempts per step from the config; waits between them as ``backoff`` says."""
        base = backoff or RetryPolicy()

        def attempts(retries: int) -> RetryPolicy:
            return attrs.evolve(base, max_retries=retries)

        most = most_concurrency(config)
        return cls(
            multipart_threshold=(
                DEFAULT_MULTIPART_THRESHOLD if multipart_threshold is None else multipart_threshold
            ),
            block_size=config.block_size,
            chunk_size=config.bput_size,
            concurrency=start_concurrency(config),
            max_concurrency=most,
            max_in_flight=most,
            record_folder=config.tmp_record_folder,
            retries=StepRetries(
                mkblk=attempts(config.mkblk_retries),
                bput=attempts(config.bput_retries),
                mkfile=attempts(config.mkfile_retries),
                form=attempts(config.connection_retries),
            ),
            download_retries=config.connection_retries,
            traffic_limit=config.traffic_limit,
            limit_rate=parse_rate(config.limit_rate),  # checked when the config was made
            download_parallel_threshold=config.download_parallel_threshold,
            download_slice_size=config.download_slice_size,
            guess_mime_type=config.guess_mime_type,
            long_path_width=widest_concurrency(config) // most,
        )
