"""`make bench`: every benchmark, each side by side with its baseline, ratios reported."""

from __future__ import annotations

import sys

from bench import bench_checksum


def main() -> int:
    print("== checksums: CRC-64 libraries (crcmod = the original SDK's) and etag", flush=True)
    return bench_checksum.main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
