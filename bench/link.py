"""A link simulator: a TCP proxy on 127.0.0.1 that behaves like a long, thin internet link.

    python -m bench.link --target 127.0.0.1:8080 --profile wan
    {"port": 40123, "profile": "wan", ...}          # the first line: connect here

Both benchmark clients talk to the emulator through the same proxy, so both pay the same
link. What it models, per direction (client to server, server to client):

* **One-way delay**: every byte arrives ``delay`` seconds after it left (a round trip is
  twice that).
* **Per-connection rate**: one TCP connection carries at most ``connection_rate`` bytes/s
  (what a single stream gets over a long path, limited by windows and loss).
* **Whole-link rate**: all connections together carry at most ``link_rate`` bytes/s.
* **Slow start**: a connection may have at most ``cwnd`` bytes unacknowledged; ``cwnd``
  starts at 10 segments and grows by every byte acknowledged (doubling each round trip)
  up to the bandwidth-delay product, and falls back to 10 segments after the sender was
  idle for longer than a retransmission timeout, as Linux does by default
  (``tcp_slow_start_after_idle``). An acknowledgement reaches the sender a round trip
  after its data left.
* **A bounded buffer**: the link queues at most ``buffer`` bytes waiting for its rate;
  a sender that would overfill it waits (the real socket then pushes back).
* **A reset**: once one side has gone away (closed with data still coming, as a client
  that read enough of a response does), the other side's connection is reset, as the
  kernel's RST does: its bytes stop taking the link.

The scheduling is pure (:class:`Flow`, :class:`Wire` take the time as an argument), so
its rules are tested without a clock; the proxy around it only sleeps until the times
they compute. Our own code: no proxy on PyPI models per-connection and link rates with
slow start and asyncio keeps it to one small file.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["PROFILES", "Flow", "LinkProfile", "Wire", "main", "serve"]

MSS = 1460
INITIAL_WINDOW = 10 * MSS  # RFC 6928
MIN_RTO = 0.2  # seconds; Linux's floor for the retransmission timeout
READ_SIZE = 64 * 1024
EPSILON = 1e-9  # seconds: times this close are the same time (float sums drift)
MB = 1_000_000


@dataclass(frozen=True)
class LinkProfile:
    name: str
    delay: float  # one way, seconds
    connection_rate: float  # bytes/s for one TCP connection
    link_rate: float  # bytes/s for all of them together
    buffer: int  # bytes the link queues before senders wait

    @property
    def round_trip(self) -> float:
        return 2 * self.delay

    @property
    def window_limit(self) -> int:
        """A window that never holds a connection below its rate: twice the
        bandwidth-delay product (data waiting for the rate counts as in flight too)."""
        return max(INITIAL_WINDOW, int(2 * self.connection_rate * self.round_trip) + READ_SIZE)

    def describe(self) -> str:
        return (
            f"{self.name}: {self.round_trip * 1000:.0f} ms round trip, "
            f"{self.connection_rate / MB:g} MB/s per connection, "
            f"{self.link_rate / MB:g} MB/s link"
        )


PROFILES = {
    # The link: a city away, a good line.
    "wan": LinkProfile("wan", 0.020, 10 * MB, 100 * MB, 2 * MB),
    # Farther and thinner: another continent, a shared line.
    "far": LinkProfile("far", 0.075, 4 * MB, 40 * MB, 2 * MB),
}


@dataclass
class Wire:
    """One direction of the whole link: shared by every connection, one rate."""

    rate: float
    buffer: int
    free_at: float = 0.0  # when the link has sent everything queued so far

    def wait_for_room(self, now: float) -> float:
        """How long a sender must wait before the queue has room (0: none)."""
        wait = self.free_at - now - self.buffer / self.rate
        return wait if wait > EPSILON else 0.0

    def transmit(self, start: float, size: int) -> float:
        """Queue ``size`` bytes ready at ``start``; return when the last one left."""
        self.free_at = max(self.free_at, start) + size / self.rate
        return self.free_at


@dataclass
class Flow:
    """One direction of one connection: its rate, its window and its acknowledgements."""

    profile: LinkProfile
    cwnd: float = INITIAL_WINDOW
    free_at: float = 0.0
    last_sent: float | None = None
    _unacked: collections.deque[tuple[float, int]] = field(default_factory=collections.deque)
    _in_flight: int = 0

    def _take_acks(self, now: float) -> None:
        while self._unacked and self._unacked[0][0] <= now + EPSILON:
            _, size = self._unacked.popleft()
            self._in_flight -= size
            self.cwnd = min(self.cwnd + size, self.profile.window_limit)  # slow start

    def data_ready(self, now: float) -> None:
        """New data to send at ``now``: after an idle spell longer than a retransmission
        timeout (nothing to send, everything acknowledged) the window starts over."""
        self._take_acks(now)
        rto = max(MIN_RTO, 2 * self.profile.round_trip)
        if self.last_sent is not None and self._in_flight == 0 and now - self.last_sent > rto:
            self.cwnd = INITIAL_WINDOW
            self.last_sent = None

    def wait_for_window(self, now: float, size: int) -> float:
        """How long until ``size`` more bytes may go: they fit in the window and the
        connection has sent what it had (0: now)."""
        self._take_acks(now)
        room_needed = self._in_flight + min(size, self.cwnd) - self.cwnd
        # The connection's own rate too: one piece at a time, so the link is never
        # booked for a piece that is not ready to go (that would leave it idle).
        waited = max(now, self.free_at)
        for ack_time, acked in self._unacked:
            if room_needed <= 0:
                break
            room_needed -= acked
            waited = max(waited, ack_time)
        return waited - now if waited - now > EPSILON else 0.0

    def send(self, now: float, size: int, wire: Wire) -> float:
        """Send ``size`` bytes at ``now`` (after :meth:`wait_for_window`): when they arrive."""
        self._take_acks(now)
        self.free_at = max(now, self.free_at) + size / self.profile.connection_rate
        left = max(self.free_at, wire.transmit(now, size))
        arrives = left + self.profile.delay
        self._unacked.append((arrives + self.profile.delay, size))
        self._in_flight += size
        self.last_sent = left
        return arrives


def _wait(flow: Flow, wire: Wire, now: float, size: int) -> float:
    return max(wire.wait_for_room(now), flow.wait_for_window(now, size))


async def _pump(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    flow: Flow,
    wire: Wire,
    sender: asyncio.StreamWriter,
) -> None:
    """Carry one direction: read, schedule by the model, deliver on time, pass EOF on.
    ``sender`` is the reading side's connection: reset when the receiver went away."""
    loop = asyncio.get_running_loop()
    # Bounded: at most a window's worth (plus the link buffer) waits here for delivery.
    slots = max(4, (flow.profile.window_limit + wire.buffer) // READ_SIZE + 1)
    queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue(slots)

    async def deliver() -> None:
        try:
            while (item := await queue.get()) is not None:
                arrives, data = item
                if (late := arrives - loop.time()) > 0:
                    await asyncio.sleep(late)
                writer.write(data)
                await writer.drain()
            if writer.can_write_eof():
                writer.write_eof()
        except (ConnectionError, OSError):
            # The receiving side went away (a client that closed a response it read
            # enough of). Its kernel answers more data with a reset, which stops the
            # sender: so does the link, or it would go on carrying (and charging the
            # wire for) bytes no one reads. Then it takes from the queue until the reader
            # ends it, or the reader would wait for room forever, never closing up.
            sender.transport.abort()
            while await queue.get() is not None:
                pass

    delivering = asyncio.create_task(deliver())
    try:
        while data := await reader.read(READ_SIZE):
            flow.data_ready(loop.time())
            view = memoryview(data)
            while view:
                # Pieces of a quarter window: fine-grained while the window is small,
                # few and cheap once it has grown.
                piece = bytes(view[: max(INITIAL_WINDOW, int(flow.cwnd) // 4)])
                view = view[len(piece) :]
                while (wait := _wait(flow, wire, loop.time(), len(piece))) > 0:
                    await asyncio.sleep(wait)
                await queue.put((flow.send(loop.time(), len(piece), wire), piece))
    except (ConnectionError, OSError):
        pass  # the other side went away: deliver what is queued, then close
    finally:
        await queue.put(None)
        with contextlib.suppress(ConnectionError, OSError):
            await delivering


async def serve(target: tuple[str, int], profile: LinkProfile, port: int = 0) -> asyncio.Server:
    """Listen on 127.0.0.1:``port`` and carry every connection to ``target`` over the link."""
    up = Wire(profile.link_rate, profile.buffer)
    down = Wire(profile.link_rate, profile.buffer)

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection(*target)
        except OSError:
            client_w.close()
            return
        try:
            await asyncio.gather(
                _pump(client_r, server_w, Flow(profile), up, client_w),
                _pump(server_r, client_w, Flow(profile), down, server_w),
            )
        finally:
            for writer in (client_w, server_w):
                writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", port)


def _target(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host, int(port)


async def _run(target: tuple[str, int], profile: LinkProfile, port: int) -> None:
    server = await serve(target, profile, port)
    bound = server.sockets[0].getsockname()[1]
    ready = {"port": bound, "profile": profile.name, "description": profile.describe()}
    print(json.dumps(ready), flush=True)
    async with server:
        await server.serve_forever()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.link", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--target", type=_target, required=True, help="HOST:PORT to carry to")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="wan")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free)")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_run(args.target, PROFILES[args.profile], args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
