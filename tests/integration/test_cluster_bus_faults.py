"""The cluster bus's faults seen from the clients: a Redis that stops answering (SIGSTOP) never
stalls a network thread, so local typing, messages, joins and health checks keep their
millisecond latencies; with Redis stopped, local subscribers still get each other's messages live
and sends are acked; once Redis is back (restarted under load from senders on both instances),
every subscriber on every instance has every acked message exactly once and in order."""

from __future__ import annotations

import asyncio
import re
import time

import requests

from parley_client import arun, wait_for
from test_cluster import both, cluster, joined, room_with_members  # noqa: F401 (fixtures)

# Far below the bus's timeouts (1 s connect, 2 s publish) that a blocked network thread would
# wait for, and far above a loaded loopback round trip.
FAST_S = 0.25


def readyz(server):
    return requests.get(server.url("/readyz"), timeout=5)


def test_a_hung_redis_does_not_stall_local_typing_joins_or_health(both):
    (alice, bob, carol), room = room_with_members(both, 3)
    rid = room["id"]
    timings = {"typing": [], "message": [], "join": [], "healthz": []}

    async def scenario():
        a = await joined(both.a, alice, rid, "alice@A")
        b = await joined(both.a, bob, rid, "bob@A")
        both.redis.pause()
        try:
            # The first events queue behind an unanswered publish; every later one behind that.
            for _ in range(6):
                start = time.monotonic()
                await a.send({"type": "typing", "room": rid})
                t = await b.recv_until("typing", timeout=5)
                timings["typing"].append(time.monotonic() - start)
                assert t["user"]["id"] == alice.id
                await asyncio.sleep(0.25)  # within the typing rate limit (5/s)
            # Messages: local subscribers get them from the commit, not through Redis.
            for i in range(5):
                start = time.monotonic()
                ack = await a.send_msg(rid, f"paused {i}")
                assert ack["type"] == "ack", ack
                f = await b.recv_until("message", lambda f: f["id"] == ack["id"], timeout=5)
                timings["message"].append(time.monotonic() - start)
                assert f["body"] == f"paused {i}"
            # A join (which relays presence) is answered at once; its presence reaches the room.
            start = time.monotonic()
            c = await joined(both.a, carol, rid, "carol@A")
            timings["join"].append(time.monotonic() - start)
            await b.recv_until("presence", lambda f: f["user"]["id"] == carol.id, timeout=5)
            for _ in range(3):
                start = time.monotonic()
                assert (await asyncio.to_thread(
                    requests.get, both.a.url("/healthz"), timeout=5)).status_code == 200
                timings["healthz"].append(time.monotonic() - start)
            # The publisher's unanswered pipeline times out: readiness reports the bus.
            body = await asyncio.to_thread(
                wait_for, lambda: readyz(both.a).status_code == 503 and readyz(both.a).json(),
                20, "/readyz to report the hung bus")
            assert body["failing"] == ["bus"]
            await c.close()
        finally:
            both.redis.resume()
        await a.close()
        await b.close()

    arun(scenario(), timeout=60)
    print("latencies while Redis is stopped (max s):",
          {k: round(max(v), 4) for k, v in timings.items()})
    for what, values in timings.items():
        assert max(values) < FAST_S, f"{what} took {max(values):.3f} s with Redis stopped"

    # Recovery without a restart: ready again, and messages cross instances.
    for s in (both.a, both.b):
        wait_for(lambda s=s: readyz(s).status_code == 200, 30, "/readyz to recover")

    async def crossing():
        b = await joined(both.b, bob, rid, "bob@B")
        posted = await asyncio.to_thread(both.a.api.send_ok, alice, rid, "after the pause")
        f = await b.recv_until("message", lambda f: f["id"] == posted["id"], timeout=10)
        assert f["body"] == "after the pause"
        await b.close()

    arun(crossing())


def metric(server, name):
    m = re.search(rf"^{name} (\d+)$", requests.get(server.url("/metrics"), timeout=5).text, re.M)
    assert m, f"{name} not exported"
    return int(m.group(1))


def wait_readyz(server, status, what):
    wait_for(lambda: readyz(server).status_code == status, 30, what)


async def collect_until(ws, wanted, seen=None, timeout=30):
    """The ids of the `message` frames ws receives (after `seen`, those it had already) until it
    has seen every id in `wanted`."""
    seen = list(seen or [])
    while not wanted.issubset(seen):
        f = await ws.recv_until("message", timeout=timeout)
        seen.append(f["id"])
    return seen


def test_local_delivery_goes_on_while_redis_is_down_and_the_gap_is_filled_after(both):
    (alice, bob, carol, dave), room = room_with_members(both, 4)
    rid = room["id"]

    async def scenario():
        alice_a = await joined(both.a, alice, rid, "alice@A")
        bob_a = await joined(both.a, bob, rid, "bob@A")
        carol_b = await joined(both.b, carol, rid, "carol@B")
        dave_b = await joined(both.b, dave, rid, "dave@B")
        acked = []
        seen = {}  # ws -> ids of the messages taken from it meanwhile

        async def take(ws, message_id):
            while True:
                f = await ws.recv_until("message", timeout=5)
                seen.setdefault(ws, []).append(f["id"])
                if f["id"] == message_id:
                    return f

        both.redis.stop()
        try:
            for s in (both.a, both.b):
                await asyncio.to_thread(wait_readyz, s, 503, "/readyz to report the bus down")
            # Sent on A while Redis is down: acked, and live on A.
            for i in range(5):
                start = time.monotonic()
                ack = await alice_a.send_msg(rid, f"down A {i}")
                assert ack["type"] == "ack", ack
                acked.append(ack["id"])
                await take(bob_a, ack["id"])
                assert time.monotonic() - start < FAST_S
            # And on B: its subscribers get A's messages from the store, then B's own.
            for i in range(3):
                ack = await carol_b.send_msg(rid, f"down B {i}")
                assert ack["type"] == "ack", ack
                acked.append(ack["id"])
                await take(dave_b, ack["id"])
        finally:
            both.redis.start()
        for s in (both.a, both.b):
            await asyncio.to_thread(wait_readyz, s, 200, "/readyz to recover")
        wanted = set(acked)
        for ws in (alice_a, bob_a, carol_b, dave_b):
            got = await collect_until(ws, wanted, seen.get(ws))
            assert got == sorted(acked), f"{ws.name}: {got} != {sorted(acked)}"
        for ws in (alice_a, bob_a, carol_b, dave_b):
            await ws.close()

    fills = {s: metric(s, "parley_bus_gap_fills_total") for s in (both.a, both.b)}
    arun(scenario(), timeout=90)
    for s in (both.a, both.b):  # B filled A's messages during the outage, A B's after it
        assert metric(s, "parley_bus_gap_fills_total") > fills[s]


def test_redis_restarted_under_load_loses_nothing_acked_on_any_instance(both):
    per_sender = 150
    (s_a, s_b, w_a1, w_a2, w_b1, w_b2), room = room_with_members(both, 6)
    rid = room["id"]

    async def scenario():
        sender_a = await joined(both.a, s_a, rid, "sender@A")
        sender_b = await joined(both.b, s_b, rid, "sender@B")
        watchers = [await joined(both.a, w_a1, rid, "watcher1@A"),
                    await joined(both.a, w_a2, rid, "watcher2@A"),
                    await joined(both.b, w_b1, rid, "watcher1@B"),
                    await joined(both.b, w_b2, rid, "watcher2@B")]
        acked = {"a": [], "b": []}

        async def send_all(ws, tag):
            for i in range(per_sender):
                ref = ws.next_ref()
                await ws.send({"type": "send", "room": rid, "body": f"{tag}-{i}", "ref": ref})
                ack = await ws.recv_until(None, lambda f, ref=ref: f.get("ref") == ref, timeout=30)
                assert ack["type"] == "ack", ack
                acked[tag].append(ack["id"])
                await asyncio.sleep(0.005)  # pacing: the sends span the restart

        async def restart_redis():
            def total():
                return len(acked["a"]) + len(acked["b"])
            while total() < 60:
                await asyncio.sleep(0.01)
            both.redis.stop()
            for s in (both.a, both.b):
                await asyncio.to_thread(wait_readyz, s, 503, "/readyz to report the bus down")
            down_at = total()
            while total() < down_at + 40:  # sends go on being acked
                await asyncio.sleep(0.01)
            both.redis.start()
            for s in (both.a, both.b):
                await asyncio.to_thread(wait_readyz, s, 200, "/readyz to recover")
            return down_at, total()

        down_at, up_at = (await asyncio.gather(send_all(sender_a, "a"), send_all(sender_b, "b"),
                                               restart_redis()))[2]
        assert up_at < 2 * per_sender, "the restart was not under load"
        all_ids = sorted(acked["a"] + acked["b"])
        assert len(set(all_ids)) == 2 * per_sender
        for ws in watchers + [sender_a, sender_b]:
            seen = await collect_until(ws, set(all_ids))
            assert seen == all_ids, (f"{ws.name} saw {len(seen)} of {len(all_ids)} "
                                     "messages, out of order or not once")
        for ws in watchers + [sender_a, sender_b]:
            await ws.close()

    arun(scenario(), timeout=120)
