"""Faults of a cluster (two instances, one PostgreSQL, one Redis): PostgreSQL stopped and started
again, and an instance killed with SIGKILL. In each, no acknowledged message is missing afterwards
on any instance, and service resumes without a restart of the survivors."""

from __future__ import annotations

import asyncio
import os

import pytest
import requests

from cluster_helpers import PG_BINDIR, Postgres, Redis, missing_binaries
from conftest import RELAXED_FLAGS
from parley_client import ParleyServer, arun, wait_for, ws_user

_missing = missing_binaries()
if _missing:
    pytest.skip(f"cluster tests need PostgreSQL and Redis servers; missing: {', '.join(_missing)}",
                allow_module_level=True)

SECRET = "cluster-faults-secret-0123456789abcdef0123456789"


class StoppablePostgres(Postgres):
    """Postgres that can be stopped and started again on its port, keeping its data."""

    def pause(self):
        import subprocess
        r = subprocess.run([*self.as_pg, str(PG_BINDIR / "pg_ctl"), "-D", str(self.dir / "data"),
                            "-m", "fast", "-w", "stop"], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr

    def resume(self):
        import subprocess
        r = subprocess.run([*self.as_pg, str(PG_BINDIR / "pg_ctl"), "-D", str(self.dir / "data"),
                            "-l", str(self.dir / "postgres.log"), "-w", "-t", "60", "-o",
                            f"-k {self.dir} -c listen_addresses=127.0.0.1 -p {self.port} "
                            "-c fsync=off -c max_connections=100", "start"],
                           capture_output=True, text=True, timeout=90)
        assert r.returncode == 0, r.stderr


class Stack:
    def __init__(self, pg, redis, flags, tmp):
        self.pg, self.redis, self.flags, self.tmp = pg, redis, flags, tmp
        self.servers: list = []

    def instance(self, name: str) -> ParleyServer:
        s = ParleyServer(self.tmp.mktemp(f"faults-{name}"), self.flags).start()
        self.servers.append(s)
        wait_for(lambda: ready(s), 15, f"{name} ready")
        return s


def ready(server) -> bool:
    try:
        return requests.get(server.url("/readyz"), timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    saved = os.environ.pop("PARLEY_EXTRA_FLAGS", None)
    pg, redis = StoppablePostgres(), Redis()
    st = None
    try:
        pg.start()
        redis.start()
        url = pg.create_database()
        flags = [*RELAXED_FLAGS, "--database", url, "--redis", redis.url, "--jwt-secret", SECRET]
        st = Stack(pg, redis, flags, tmp_path_factory)
        yield st
    finally:
        for s in (st.servers if st else []):
            s.kill()
        redis.remove()
        pg.stop()
        if saved is not None:
            os.environ["PARLEY_EXTRA_FLAGS"] = saved


def members(server_of, n, room_owner_server):
    users = [server_of(i).api.register() for i in range(n)]
    room = room_owner_server.api.create_room(users[0])
    for i, u in enumerate(users[1:], start=1):
        r = server_of(i).api.join_room(u, room["id"])
        assert r.status_code in (200, 201, 204), r.text
    return users, room


def history_ids(server, user, room_id) -> list:
    return [m["id"] for m in server.api.history(user, room_id)]


def test_postgres_down_refuses_sends_then_recovers_by_itself(stack):
    a = stack.instance("pg-a")
    b = stack.instance("pg-b")
    (alice, bob), room = members(lambda i: (a, b)[i % 2], 2, a)
    rid = room["id"]
    acked = [a.api.send_ok(alice, rid, "before")["id"]]

    async def scenario():
        ws_a = await ws_user(a, alice, name="alice@A")
        ws_b = await ws_user(b, bob, name="bob@B")
        await ws_a.join(rid)
        await ws_b.join(rid)
        stack.pg.pause()
        try:
            # Sends are refused as unavailable, never acknowledged; /readyz says which part failed.
            for i in range(3):
                reply = await ws_a.send_msg(rid, f"while down {i}", client_id=f"down-{i}")
                assert reply["type"] == "error" and reply["code"] == "unavailable", reply
            r = b.api.send(bob, rid, "rest while down")
            assert r.status_code == 503 and r.json()["error"]["code"] == "unavailable", r.text
            for s in (a, b):
                r = requests.get(s.url("/readyz"), timeout=10)
                assert r.status_code == 503 and "store" in r.json()["failing"], r.text
        finally:
            stack.pg.resume()
        # Both recover without a restart: ready again, and sends are acked and delivered.
        for s in (a, b):
            wait_for(lambda s=s: ready(s), 30, "ready after PostgreSQL came back")
        reply = await ws_a.send_msg(rid, "after", client_id="after-1")
        assert reply["type"] == "ack", reply
        acked.append(reply["id"])
        seen = await ws_b.recv_until("message", lambda f: f["id"] == reply["id"], timeout=10)
        assert seen["body"] == "after"
        await ws_a.close()
        await ws_b.close()

    arun(scenario(), timeout=120)
    for s, u in ((a, alice), (b, bob)):
        ids = history_ids(s, u, rid)
        assert ids == acked, f"history {ids}, acked {acked}: an unacked send was stored or one lost"


def test_an_instance_killed_loses_nothing_acked_and_its_clients_catch_up_elsewhere(stack):
    a = stack.instance("kill-a")
    b = stack.instance("kill-b")
    users, room = members(lambda i: (a, b)[i % 2], 4, a)
    rid = room["id"]
    sender_a, sender_b, watcher_a, watcher_b = users[0], users[1], users[2], users[3]
    per_sender = 120

    async def sender(ws, tag, acked):
        # Sends until its instance dies or the quota is done; records what was acknowledged.
        try:
            for i in range(per_sender):
                reply = await ws.send_msg(rid, f"{tag}-{i}", client_id=f"{tag}-{i}")
                assert reply["type"] == "ack", reply
                acked.append(reply["id"])
        except Exception:
            pass  # the instance was killed under it

    async def watch(ws, seen, stop):
        while not stop.is_set():
            try:
                f = await ws.recv_until("message", timeout=0.2)
            except AssertionError:
                continue  # nothing in this interval: look at `stop` again
            except Exception:
                return  # the connection died with its instance
            seen.append(f["id"])

    async def scenario():
        ws_sa = await ws_user(a, sender_a, name="sender@A")
        ws_sb = await ws_user(b, sender_b, name="sender@B")
        ws_wa = await ws_user(a, watcher_a, name="watcher@A")
        ws_wb = await ws_user(b, watcher_b, name="watcher@B")
        for ws in (ws_sa, ws_sb, ws_wa, ws_wb):
            await ws.join(rid)
        acked_a, acked_b, seen_a, seen_b = [], [], [], []
        stop = asyncio.Event()
        watchers = [asyncio.create_task(watch(ws_wa, seen_a, stop)),
                    asyncio.create_task(watch(ws_wb, seen_b, stop))]
        senders = [asyncio.create_task(sender(ws_sa, "a", acked_a)),
                   asyncio.create_task(sender(ws_sb, "b", acked_b))]
        # Kill A once both senders are well under way.
        while len(acked_a) < per_sender // 3 or len(acked_b) < per_sender // 3:
            await asyncio.sleep(0.01)
        a.kill()
        await asyncio.gather(*senders)
        # B's sender finished its quota; the watcher on B saw all of it live.
        assert len(acked_b) == per_sender
        all_acked = sorted(acked_a + acked_b)
        deadline = asyncio.get_running_loop().time() + 20
        while not set(acked_b) <= set(seen_b):
            assert asyncio.get_running_loop().time() < deadline, "watcher@B misses B's messages"
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.gather(*watchers)
        assert seen_b == sorted(set(seen_b)), "watcher@B saw a message twice or out of order"
        # What A acknowledged in its last instant may not have reached the bus before it died:
        # B's clients have it through a join with `since` (the store has it, asserted below).
        rejoined = await ws_user(b, watcher_b, name="watcher@B again")
        late = (await rejoined.join(rid, since=max(seen_b)))["missed"]
        assert set(all_acked) <= set(seen_b) | {m["id"] for m in late}
        await rejoined.close()
        # A's watcher reconnects to B and catches up from the last position it had seen.
        last_seen = max(seen_a) if seen_a else 0
        ws_again = await ws_user(b, watcher_a, name="watcher@A->B")
        joined = await ws_again.join(rid, since=last_seen)
        caught_up = [m["id"] for m in joined["missed"]]
        assert not joined["missed_truncated"]
        union = seen_a + caught_up
        assert len(union) == len(set(union)), "catch-up repeated a message the client had"
        missing = set(all_acked) - set(union)
        assert not missing, f"acked messages missing after catch-up: {sorted(missing)[:10]}"
        for ws in (ws_sb, ws_wb, ws_again):
            await ws.close()
        return all_acked

    all_acked = arun(scenario(), timeout=120)
    stored = history_ids(b, sender_b, rid)
    assert set(all_acked) <= set(stored), "an acknowledged message is not in history"
    assert len(stored) == len(set(stored))
    b.check_alive()
