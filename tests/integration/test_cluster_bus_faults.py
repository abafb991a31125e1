"""The cluster bus's faults seen from the clients: a Redis that stops answering (SIGSTOP) never
stalls a network thread, so local typing, joins and health checks keep their millisecond
latencies; the cluster recovers by itself once Redis answers again."""

from __future__ import annotations

import asyncio
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
    timings = {"typing": [], "join": [], "healthz": []}

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
