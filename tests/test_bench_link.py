"""The benchmark's link simulator: its model on a virtual clock, and the proxy's bytes.

The model's times are computed, not slept, so these assertions are about the model's
arithmetic (model seconds), never about how long the test took.
"""

from __future__ import annotations

import asyncio
import os

from bench.link import INITIAL_WINDOW, MSS, PROFILES, Flow, LinkProfile, Wire, serve

WAN = PROFILES["wan"]


def send_all(flows: list[Flow], wire: Wire, size: int, piece: int = 64 * 1024) -> list[float]:
    """Each flow sends ``size`` bytes as fast as the model lets it; arrival times."""
    now, left = 0.0, [size] * len(flows)
    arrivals: list[list[float]] = [[] for _ in flows]
    while any(left):
        waits = []
        for n, flow in enumerate(flows):
            if left[n]:
                chunk = min(piece, left[n])
                wait = max(wire.wait_for_room(now), flow.wait_for_window(now, chunk))
                if wait <= 0:
                    arrivals[n].append(flow.send(now, chunk, wire))
                    left[n] -= chunk
                    wait = 0.0
                waits.append(wait)
        now += min(waits) if all(w > 0 for w in waits) else 0.0
    return [a[-1] for a in arrivals]


def test_one_connection_gets_its_rate_after_slow_start() -> None:
    size = 40 * 1000 * 1000
    (done,) = send_all([Flow(WAN)], Wire(WAN.link_rate, WAN.buffer), size)
    ideal = size / WAN.connection_rate + WAN.delay
    assert done >= ideal  # never faster than the connection's rate
    # Slow start costs a few round trips (14.6 kB doubling to the 400 kB window), no more.
    assert done - ideal < 8 * WAN.round_trip


def test_the_first_round_trip_carries_one_initial_window() -> None:
    flow, wire = Flow(WAN), Wire(WAN.link_rate, WAN.buffer)
    assert flow.wait_for_window(0.0, INITIAL_WINDOW) == 0
    first = flow.send(0.0, INITIAL_WINDOW, wire)
    assert first >= WAN.delay
    # Nothing more until the first acknowledgement comes back, a round trip later.
    assert flow.wait_for_window(0.0, MSS) >= WAN.round_trip
    flow.wait_for_window(WAN.round_trip + 0.01, MSS)
    assert flow.cwnd == 2 * INITIAL_WINDOW  # each acknowledged byte grows the window


def test_connections_share_the_link_rate() -> None:
    flows = [Flow(WAN) for _ in range(20)]
    size = 5 * 1000 * 1000
    finished = send_all(flows, Wire(WAN.link_rate, WAN.buffer), size)
    # 20 x 10 MB/s would be 200 MB/s: the 100 MB/s link is the limit.
    assert max(finished) >= 20 * size / WAN.link_rate
    assert max(finished) < 20 * size / WAN.link_rate + 10 * WAN.round_trip


def test_the_window_starts_over_after_an_idle_period() -> None:
    flow, wire = Flow(WAN), Wire(WAN.link_rate, WAN.buffer)
    send_all([flow], wire, 4 * 1000 * 1000)
    assert flow.cwnd == WAN.window_limit
    flow.wait_for_window(10.0, MSS)
    assert flow.cwnd == WAN.window_limit  # waiting for the window is not being idle
    flow.data_ready(10.0)  # new data long after the last acknowledgement
    assert flow.cwnd == INITIAL_WINDOW


def test_a_full_link_buffer_makes_senders_wait() -> None:
    wire = Wire(rate=1000.0, buffer=500)
    assert wire.wait_for_room(0.0) == 0
    wire.transmit(0.0, 2000)  # 2 s of sending queued
    assert wire.wait_for_room(0.0) == 1.5  # until only 500 bytes (0.5 s) are left
    assert wire.wait_for_room(1.5) == 0


def test_the_proxy_carries_both_directions_and_the_end_of_stream() -> None:
    fast = LinkProfile("test", 0.001, 50e6, 100e6, 1 << 20)
    payload = os.urandom(3 * 1024 * 1024 + 17)

    async def scenario() -> tuple[bytes, bytes]:
        async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            data = await reader.read()  # until the client's end of stream came through
            writer.write(data[::-1])
            await writer.drain()
            writer.close()

        target = await asyncio.start_server(echo, "127.0.0.1", 0)
        link = await serve(("127.0.0.1", target.sockets[0].getsockname()[1]), fast)
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", link.sockets[0].getsockname()[1]
        )
        writer.write(payload)
        writer.write_eof()
        answer = await asyncio.wait_for(reader.read(), 60)
        writer.close()
        link.close()
        target.close()
        return answer, payload[::-1]

    answer, expected = asyncio.run(scenario())
    assert answer == expected


def test_a_connection_whose_far_side_resets_is_closed_up() -> None:
    # The target takes a few bytes and resets the connection while the client still
    # sends: the link resets the client too (its bytes could no longer be delivered),
    # closes both sides and ends the handler.
    fast = LinkProfile("test", 0.001, 50e6, 100e6, 1 << 20)

    async def scenario() -> tuple[bool, set[asyncio.Task[object]]]:
        async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.read(1024)
            writer.transport.abort()

        before = asyncio.all_tasks()
        target = await asyncio.start_server(reset, "127.0.0.1", 0)
        link = await serve(("127.0.0.1", target.sockets[0].getsockname()[1]), fast)
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", link.sockets[0].getsockname()[1]
        )
        reset_seen = False
        try:
            for _ in range(32):  # 8 MiB, several times what the link queues for one
                writer.write(os.urandom(256 * 1024))
                await asyncio.wait_for(writer.drain(), 30)
            writer.write_eof()
            await asyncio.wait_for(reader.read(), 30)  # the link closed its side
        except ConnectionError:
            reset_seen = True
        writer.close()
        for _ in range(300):  # the handler's tasks end once both sides are closed
            left = asyncio.all_tasks() - before
            if not left:
                break
            await asyncio.sleep(0.01)
        link.close()
        target.close()
        return reset_seen, asyncio.all_tasks() - before

    reset_seen, left = asyncio.run(scenario())
    assert reset_seen
    assert left == set()


def test_a_reader_that_goes_away_stops_the_sender() -> None:
    # A client reads the start of a long answer and closes (a download that has the
    # slice it wanted). A real link then resets the server; before, the link went on
    # reading the whole answer, carrying bytes no one read at the connection's rate and
    # taking that share of the link from every other connection.
    fast = LinkProfile("test", 0.001, 50e6, 100e6, 1 << 20)
    answer_size = 64 * 1024 * 1024

    async def scenario() -> int:
        sent = [0]
        finished = asyncio.Event()

        async def long_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            block = bytes(256 * 1024)
            try:
                while sent[0] < answer_size:
                    writer.write(block)
                    await writer.drain()
                    sent[0] += len(block)
            except ConnectionError:
                pass
            finally:
                finished.set()
                writer.close()

        target = await asyncio.start_server(long_answer, "127.0.0.1", 0)
        link = await serve(("127.0.0.1", target.sockets[0].getsockname()[1]), fast)
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", link.sockets[0].getsockname()[1]
        )
        await reader.readexactly(1024 * 1024)
        writer.transport.abort()  # gone, with the answer still coming
        await asyncio.wait_for(finished.wait(), 60)
        link.close()
        target.close()
        return sent[0]

    assert asyncio.run(scenario()) < answer_size // 2
