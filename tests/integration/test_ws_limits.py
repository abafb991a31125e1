"""WebSocket limits: rate limit and abuse close, slow consumer close, server pings, idle timeout."""

import threading
import time

import pytest
import requests
import websockets

from parley_client import (OP_CLOSE, OP_PING, OP_PONG, arun, build_frame, close_code, raw_ws,
                           wait_for, ws_user)


def test_rate_limit_refuses_then_abuse_closes_1008(server_factory):
    srv = server_factory(["--rate-limit-per-second", "2", "--rate-limit-burst", "5",
                          "--rate-limit-abuse-count", "15", "--rate-limit-abuse-window-ms", "60000"],
                         relaxed=False)
    api = srv.api
    u = api.register()
    room = api.create_room(u)

    async def scenario():
        c = await ws_user(srv, u)
        acks, limited = [], 0
        # Pings do not count against the send limit.
        for _ in range(20):
            assert (await c.request({"type": "ping"}))["type"] == "pong"
        # Fire sends one at a time until the first refusal.
        for i in range(12):
            r = await c.send_msg(room["id"], f"m{i}", client_id=f"rl{i}")
            if r["type"] == "ack":
                acks.append(r["id"])
            else:
                assert r["type"] == "error" and r["code"] == "rate_limited", r
                limited += 1
        assert 5 <= len(acks) <= 8, f"burst 5 at 2/s: {len(acks)} accepted"
        assert limited >= 1
        # The refused ones were not stored.
        assert [m["id"] for m in api.history(u, room["id"])] == acks
        # Sustained abuse: the connection is closed 1008 (bounded number of attempts).
        for i in range(200):
            try:
                await c.send({"type": "send", "room": room["id"], "body": f"abuse{i}"})
            except Exception:
                break
        code = await c.closed_code(timeout=5)
        assert code == 1008, f"expected 1008 after sustained abuse, got {code}"
        refused_frames = [f for f in c.pending if f.get("type") == "error"]
        assert all(f["code"] == "rate_limited" for f in refused_frames)
        return acks + [f["id"] for f in c.pending if f.get("type") == "ack"]

    acked = arun(scenario(), timeout=40)
    stored = [m["id"] for m in api.history(u, room["id"])]
    assert stored == acked, "stored messages must be exactly the acknowledged ones"
    # Other connections are unaffected.

    async def after():
        c2 = await ws_user(srv, u)
        assert (await c2.request({"type": "ping"}))["type"] == "pong"
        await c2.close()

    arun(after())


def test_rate_limit_is_per_connection(server_factory):
    srv = server_factory(["--rate-limit-per-second", "1", "--rate-limit-burst", "3"], relaxed=False)
    api = srv.api
    u = api.register()
    room = api.create_room(u)

    async def scenario():
        c1 = await ws_user(srv, u)
        c2 = await ws_user(srv, u)
        res1 = [await c1.send_msg(room["id"], f"a{i}") for i in range(5)]
        res2 = [await c2.send_msg(room["id"], f"b{i}") for i in range(3)]
        assert any(r["type"] == "error" and r["code"] == "rate_limited" for r in res1)
        assert all(r["type"] == "ack" for r in res2), res2
        await c1.close()
        await c2.close()

    arun(scenario())


@pytest.mark.timeout_s(90)
def test_slow_consumer_closed_1013_others_keep_receiving(server_factory):
    # The cap leaves a healthy reader (this Python process) room to lag behind a burst a little.
    srv = server_factory(["--max-outbound-bytes", "262144"])
    api = srv.api
    owner, reader = api.register(), api.register()
    room = api.create_room(owner)
    api.join_room(reader, room["id"])

    slow = raw_ws(srv, owner.access, rcvbuf=4096)
    drained = {}

    def drain():
        try:
            drained["result"] = slow.read_close(timeout=30)
        except AssertionError as exc:  # read deadline: the server never closed it
            drained["result"] = (f"not closed ({exc})", [])

    drainer = threading.Thread(target=drain, daemon=True)
    try:
        slow.send_text({"type": "join", "room": room["id"], "ref": "j"})
        slow.read_until_type("joined", timeout=5)
        body = "😀" * 4000  # >= 16 KB per message frame
        # ~10 MB: beyond the 256 KiB cap plus what the kernel may buffer (tcp_wmem max is 4 MiB).
        total = 600
        start_draining_at = 450  # ~7 MB sent: the slow one must be over its cap by now
        window = 8

        async def scenario():
            good = await ws_user(srv, reader, name="good")
            await good.join(room["id"])
            sender = await ws_user(srv, owner, name="sender")
            # The healthy reader paces the sender: it is never more than `window` messages behind,
            # so only the slow one can exceed the cap.
            received, sent = [], 0
            while len(received) < total:
                while sent < total and sent - len(received) < window:
                    await sender.send({"type": "send", "room": room["id"], "body": body, "client_id": f"s{sent}",
                                       "ref": f"s{sent}"})
                    sent += 1
                f = await good.recv_until("message", timeout=30)
                assert not received or f["id"] > received[-1]
                received.append(f["id"])
                if len(received) == start_draining_at:
                    # Read what the slow client was sent, so that a close frame the server queued
                    # after its buffered data can arrive.
                    drainer.start()
            for _ in range(total):
                f = await sender.recv_until(None, lambda f: f["type"] in ("ack", "error"), timeout=30)
                assert f["type"] == "ack", f
            await good.close()
            await sender.close()

        arun(scenario(), timeout=80)
        if drainer.ident is not None:
            drainer.join(35)
        assert "result" in drained, "slow client reader did not finish"
        code, seen = drained["result"]
        messages = sum(1 for op, _ in seen if op == 0x1)
        assert code == 1013, f"slow consumer: expected close 1013, got {code} after {messages} messages"
        assert messages < total, "the slow consumer received everything: the cap did not apply"
    finally:
        slow.close()

    # Once the slow socket is gone its close is counted, and nothing stays queued.
    def counted():
        text = requests.get(srv.url("/metrics"), timeout=5).text
        closed = '\nparley_ws_connections_closed_total{code="1013"} 1\n' in text
        return text if closed and "\nparley_ws_connections 0\n" in text else None

    text = wait_for(counted, 10, "the 1013 close to be counted")
    assert "\nparley_slow_consumer_closes_total 1\n" in text
    assert "\nparley_ws_outbound_queued_bytes 0\n" in text


@pytest.mark.timeout_s(90)
def test_catch_up_of_large_messages_does_not_trip_the_outbound_cap(server_factory):
    """After a disconnect a client catches up with `since`; with the default cap (4 MiB) and
    500 messages of 4000 four-byte code points (~8 MB), the `joined` reply must still arrive
    (truncated earlier if need be: `missed_truncated` lets the client page on with REST)."""
    srv = server_factory([])
    api = srv.api
    u = api.register()
    room = api.create_room(u)
    body = "😀" * 4000
    total = 502

    async def scenario():
        sender = await ws_user(srv, u, name="sender")
        ids = []
        for start in range(0, total, 50):
            batch = range(start, min(total, start + 50))
            for i in batch:
                await sender.send({"type": "send", "room": room["id"], "body": body, "ref": f"b{i}"})
            for i in batch:
                f = await sender.recv_until("ack", lambda f, i=i: f.get("ref") == f"b{i}", timeout=30)
                ids.append(f["id"])
        await sender.close()
        c = await ws_user(srv, u, name="catching-up")
        await c.send({"type": "join", "room": room["id"], "since": ids[0], "ref": "catch"})
        try:
            j = await c.recv_until("joined", timeout=30)
        except websockets.exceptions.ConnectionClosed as exc:
            raise AssertionError(f"closed instead of answering the join: {exc}") from None
        got = [m["id"] for m in j["missed"]]
        assert got == ids[1:1 + len(got)] and got, "missed must be the oldest ones after since"
        assert j["missed_truncated"] is True  # 501 messages after `since`
        # The rest is reachable with REST `after`.
        d = api.page(u, room["id"], after=got[-1], limit=100).json()
        assert [m["id"] for m in d["messages"]] == ids[1 + len(got):][:100]
        await c.close()

    arun(scenario(), timeout=80)


def test_server_pings_and_idle_client_is_closed(server_factory):
    srv = server_factory(["--ws-ping-interval-ms", "200", "--ws-idle-timeout-ms", "1000"])
    u = srv.api.register()
    c = raw_ws(srv, u.access)
    try:
        t0 = time.monotonic()
        fin, op, payload = c.read_frame(timeout=3)
        assert op == OP_PING, f"expected a server ping, got opcode {op}"
        # Never answer: the server must give up on the silent client.
        code, seen = c.read_close(timeout=6, pong=False)
        elapsed = time.monotonic() - t0
        assert 0.8 <= elapsed <= 5, f"idle close after {elapsed:.2f}s"
        del code  # any close code (or none) is acceptable for a dead peer
    finally:
        c.close()


def test_client_answering_pings_stays_connected(server_factory):
    srv = server_factory(["--ws-ping-interval-ms", "200", "--ws-idle-timeout-ms", "800"])
    u = srv.api.register()
    c = raw_ws(srv, u.access)
    try:
        pings = 0
        deadline = time.monotonic() + 2.5  # a duration under test: three idle timeouts
        while time.monotonic() < deadline:
            fin, op, payload = c.read_frame(timeout=3)
            assert op != OP_CLOSE, f"closed although answering pings: {close_code(payload)}"
            if op == OP_PING:
                pings += 1
                c.send_frame(OP_PONG, payload)
        assert pings >= 5
        c.send_text({"type": "ping", "ref": "alive"})
        f = c.read_json(timeout=3)
        assert f["type"] == "pong"
    finally:
        c.close()


def metric_value(srv, name):
    for line in srv.api.get("/metrics").text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not exposed")


def test_ping_flood_that_never_reads_meets_the_outbound_cap(server_factory):
    # Pongs count against --max-outbound-bytes like any frame: a client that pings and never reads
    # is closed as a slow consumer instead of growing the server's queue without bound.
    srv = server_factory(flags=["--max-outbound-bytes", "65536"])
    c = raw_ws(srv, srv.admin.access, rcvbuf=4096)
    before = metric_value(srv, "parley_slow_consumer_closes_total")
    ping = build_frame(OP_PING, b"p" * 125)
    burst = ping * 256
    for _ in range(2000):  # at most ~68 MB of pings, far beyond any socket buffer
        if not c.send_raw(burst):
            break
        if metric_value(srv, "parley_slow_consumer_closes_total") > before:
            break
    wait_for(lambda: metric_value(srv, "parley_slow_consumer_closes_total") > before, 10,
             "the ping flooder closed as a slow consumer")
    assert metric_value(srv, "parley_ws_outbound_queued_bytes") < 1 << 20
    c.close()
