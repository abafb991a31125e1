"""A cluster: two parley instances on one PostgreSQL database and one Redis server behave as one
server. Messages, REST posts, publish API events and room deletions cross instances; concurrent
senders on both instances are seen by everyone, on either side, exactly once and in id order;
edits, deletions, reactions, replies and read positions cross too, in position order; /readyz
reports the bus while Redis is down and recovers when it is back."""

from __future__ import annotations

import asyncio
import os
import re

import pytest
import requests

from cluster_helpers import Postgres, Redis, missing_binaries
from conftest import RELAXED_FLAGS
from parley_client import ParleyServer, arun, wait_for, ws_user
from v11_client import (assert_none, assert_position_order, check_updated, delete_ok, edit_ok, pos,
                        react_ok, read_ok, room_events, ws_delete, ws_edit, ws_react, ws_read,
                        ws_reply)

_missing = missing_binaries()
if _missing:
    pytest.skip(f"cluster tests need PostgreSQL and Redis servers; missing: {', '.join(_missing)} "
                "(scripts/install-deps.sh test installs them)", allow_module_level=True)

KEY = "k-cluster-0123456789"
SECRET = "cluster-test-secret-0123456789abcdef0123456789"


class Cluster:
    def __init__(self, a: ParleyServer, b: ParleyServer, redis: Redis):
        self.a, self.b, self.redis = a, b, redis
        self.admin = None


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    # The instances get their database here; a PARLEY_EXTRA_FLAGS --database (run_on_postgres.sh)
    # would be a repeated flag.
    saved = os.environ.pop("PARLEY_EXTRA_FLAGS", None)
    pg = Postgres()
    redis = Redis()
    servers = []
    try:
        pg.start()
        redis.start()
        url = pg.create_database()
        flags = [*RELAXED_FLAGS, "--database", url, "--redis", redis.url, "--jwt-secret", SECRET,
                 "--api-key", f"backend={KEY}"]
        for name in ("a", "b"):
            servers.append(ParleyServer(tmp_path_factory.mktemp(f"cluster-{name}"), flags).start())
        c = Cluster(servers[0], servers[1], redis)
        c.admin = c.a.api.register()  # the first user of the shared database, once
        for s in servers:
            wait_for(lambda: requests.get(s.url("/readyz"), timeout=2).status_code == 200, 15,
                     "both instances ready (bus subscribed)")
        yield c
        for s in servers:
            s.stop()  # a clean exit, bus included (under ASan: no leak reports)
    finally:
        for s in servers:
            s.kill()
        redis.remove()
        pg.stop()
        if saved is not None:
            os.environ["PARLEY_EXTRA_FLAGS"] = saved


@pytest.fixture
def both(request, cluster):
    request.node.parley_servers = [cluster.a, cluster.b]
    yield cluster
    cluster.a.check_alive()
    cluster.b.check_alive()


def room_with_members(c: Cluster, n: int):
    """n new users (registered alternately on each instance) and a public room all joined."""
    users = [(c.a if i % 2 == 0 else c.b).api.register() for i in range(n)]
    room = c.a.api.create_room(users[0])
    for u in users[1:]:
        r = c.b.api.join_room(u, room["id"])
        assert r.status_code in (200, 201, 204), r.text
    return users, room


async def joined(server, user, room_id, name):
    ws = await ws_user(server, user, name=name)
    await ws.join(room_id)
    return ws


def test_the_first_user_of_the_shared_database_is_the_only_admin(both):
    assert both.admin.role == "admin"
    later = both.b.api.register()  # the first user on B, but not of the cluster
    assert later.role == "user"
    r = both.a.api.get("/api/me", later.access)  # one JWT secret: B's token works on A
    assert r.status_code == 200, r.text
    assert r.json()["user"]["role"] == "user"


def test_message_sent_on_a_reaches_subscribers_on_both_instances(both):
    (alice, bob), room = room_with_members(both, 2)

    async def scenario():
        a = await joined(both.a, alice, room["id"], "alice@A")
        b = await joined(both.b, bob, room["id"], "bob@B")
        ack = await a.send_msg(room["id"], "hello across")
        assert ack["type"] == "ack", ack
        for ws in (a, b):
            f = await ws.recv_until("message", lambda f: f["id"] == ack["id"])
            assert f["body"] == "hello across"
            assert f["room"] == room["id"]
            assert f["from"]["id"] == alice.id
        for ws in (a, b):
            await ws.close()

    arun(scenario())


def test_rest_post_on_b_reaches_websocket_on_a(both):
    (alice, bob), room = room_with_members(both, 2)

    async def scenario():
        a = await joined(both.a, alice, room["id"], "alice@A")
        posted = await asyncio.to_thread(both.b.api.send_ok, bob, room["id"], "via rest on B")
        f = await a.recv_until("message", lambda f: f["id"] == posted["id"])
        assert f["body"] == "via rest on B"
        assert f["from"]["username"] == bob.username
        await a.close()

    arun(scenario())


@pytest.mark.timeout_s(120)
def test_concurrent_senders_on_both_instances_reach_everyone_once_in_id_order(both):
    per_sender = 150
    (s_a, s_b, w_a, w_b), room = room_with_members(both, 4)
    rid = room["id"]

    async def send_all(ws, tag):
        refs = []
        for i in range(per_sender):
            ref = ws.next_ref()
            refs.append(ref)
            await ws.send({"type": "send", "room": rid, "body": f"{tag}-{i}", "ref": ref})
        ids = []
        for ref in refs:
            ack = await ws.recv_until(None, lambda f, ref=ref: f.get("ref") == ref, timeout=30)
            assert ack["type"] == "ack", ack
            ids.append(ack["id"])
        return ids

    async def collect(ws, count):
        seen = []
        while len(seen) < count:
            f = await ws.recv_until("message", timeout=30)
            seen.append(f["id"])
        return seen

    async def scenario():
        sender_a = await joined(both.a, s_a, rid, "sender@A")
        sender_b = await joined(both.b, s_b, rid, "sender@B")
        watch_a = await joined(both.a, w_a, rid, "watcher@A")
        watch_b = await joined(both.b, w_b, rid, "watcher@B")
        total = 2 * per_sender
        watchers = [asyncio.create_task(collect(w, total)) for w in (watch_a, watch_b)]
        ids_a, ids_b = await asyncio.gather(send_all(sender_a, "a"), send_all(sender_b, "b"))
        all_ids = sorted(ids_a + ids_b)
        assert len(set(all_ids)) == total
        for name, seen in zip(("watcher@A", "watcher@B"), await asyncio.gather(*watchers)):
            assert seen == all_ids, f"{name} saw {len(seen)} messages, out of order or not once"
        # The senders also receive every message of the room (their own included), in order.
        for ws in (sender_a, sender_b):
            seen = []
            while len(seen) < total:
                f = await ws.recv_until("message", timeout=30)
                seen.append(f["id"])
            assert seen == all_ids, f"{ws.name} saw messages out of order or not once"
        for ws in (sender_a, sender_b, watch_a, watch_b):
            await ws.close()

    arun(scenario(), timeout=100)


def event_keys(frames):
    return [(f["type"], f["id"], pos(f)) for f in frames]


def test_changes_on_a_reach_subscribers_on_b_in_position_order(both):
    (alice, bob), room = room_with_members(both, 2)
    rid = room["id"]

    async def scenario():
        a = await joined(both.a, alice, rid, "alice@A")
        b = await joined(both.b, bob, rid, "bob@B")
        ack = await a.send_msg(rid, "original")
        assert ack["type"] == "ack", ack
        mid = ack["id"]
        # Over the socket and over REST on A, one after the other.
        edit_rev = check_updated(await ws_edit(a, rid, mid, "edited on A"), rid, mid)
        reacted = await asyncio.to_thread(react_ok, both.a.api, alice, rid, mid, "👍")
        reply = await ws_reply(a, rid, "a reply on A", mid)
        assert reply["type"] == "ack", reply
        delete_rev = check_updated(await ws_delete(a, rid, mid), rid, mid)
        assert edit_rev < reacted["rev"] < reply["id"] < delete_rev

        want = [("message", mid, mid), ("message_updated", mid, edit_rev),
                ("message_updated", mid, reacted["rev"]), ("message", reply["id"], reply["id"])]
        for ws in (a, b):
            frames = await room_events(ws, rid, lambda fs: len(fs) >= 6)
            assert_position_order(frames, ws.name)
            keys = event_keys(frames)
            assert keys[:4] == want, f"{ws.name}: {keys}"
            # The parent's update for the reply, then the deletion.
            assert keys[4][:2] == ("message_updated", mid) and reply["id"] < keys[4][2] < delete_rev
            assert keys[5] == ("message_updated", mid, delete_rev), keys
            updates = [f for f in frames if f["type"] == "message_updated"]
            assert updates[0]["body"] == "edited on A"
            assert [(r["emoji"], r["users"]) for r in updates[1]["reactions"]] == [("👍", [alice.id])]
            assert updates[2]["reply_count"] == 1
            assert updates[3].get("deleted") is True and updates[3]["body"] == ""
        # A change that alters nothing draws nothing and sends nothing anywhere.
        again = await ws_delete(a, rid, mid)
        assert again["type"] == "updated" and again["rev"] == delete_rev, again
        await assert_none(b, "message_updated", what="after a repeated delete")
        for ws in (a, b):
            await ws.close()

    arun(scenario())


def test_read_position_on_a_reaches_the_users_connection_on_b_and_the_room(both):
    (alice, bob), room = room_with_members(both, 2)
    rid = room["id"]
    ms = [both.b.api.send_ok(bob, rid, f"m{i}") for i in range(3)]

    async def scenario():
        actor = await joined(both.a, alice, rid, "alice@A")
        other = await ws_user(both.b, alice, name="alice@B, not subscribed")
        watcher = await joined(both.b, bob, rid, "bob@B")
        reply = await ws_read(actor, rid, ms[1]["id"])
        assert reply["type"] == "read_state", reply
        want = {"room": rid, "last_read": ms[1]["id"], "unread": 1, "mentions": 0}
        assert {k: reply[k] for k in want} == want
        told = await other.recv_until("read_state", timeout=10)
        assert {k: told[k] for k in want} == want, told
        assert told.get("ref") is None
        receipt = await watcher.recv_until("receipt", timeout=10)
        assert receipt["room"] == rid and receipt["user"]["id"] == alice.id, receipt
        assert receipt["last_read"] == ms[1]["id"], receipt
        # The acting connection has its reply only: the event does not come back to it.
        await assert_none(actor, "read_state", what="beyond its reply")
        await assert_none(watcher, "read_state", wait=0.05, what="for another user")
        # And the other way: REST on B moves it, the connection on A hears of it.
        state = await asyncio.to_thread(read_ok, both.b.api, alice, rid, ms[2]["id"])
        f = await actor.recv_until("read_state", timeout=10)
        assert f["last_read"] == ms[2]["id"] == state["last_read"] and f["unread"] == 0, f
        for ws in (actor, other, watcher):
            await ws.close()

    arun(scenario())


@pytest.mark.timeout_s(120)
def test_concurrent_changes_on_both_instances_reach_everyone_in_position_order(both):
    per_side = 40
    (s_a, s_b, w_a, w_b), room = room_with_members(both, 4)
    rid = room["id"]
    base = [(both.a.api.send_ok(s_a, rid, f"base {i}") if i % 2 == 0 else
             both.b.api.send_ok(s_b, rid, f"base {i}")) for i in range(4)]

    async def change_all(ws, user, tag):
        """Edits of its own messages, reactions spread over all, and new messages, pipelined;
        returns the positions the replies name."""
        own = [m for m in base if m["from"]["id"] == user.id]
        refs = []
        for i in range(per_side):
            ref = ws.next_ref()
            refs.append(ref)
            kind = i % 4
            if kind == 0 and own:
                frame = {"type": "edit", "room": rid, "id": own[i % len(own)]["id"],
                         "body": f"{tag} edit {i}"}
            elif kind == 1:
                frame = {"type": "react", "room": rid, "id": base[(i // 4) % len(base)]["id"],
                         "emoji": f":{tag}{i}:", "on": True}
            else:
                frame = {"type": "send", "room": rid, "body": f"{tag} {i}"}
            await ws.send({**frame, "ref": ref})
        positions = []
        for ref in refs:
            r = await ws.recv_until(None, lambda f, ref=ref: f.get("ref") == ref, timeout=30)
            assert r["type"] in ("ack", "updated"), r
            positions.append(r["id"] if r["type"] == "ack" else r["rev"])
        return positions

    async def scenario():
        sender_a = await joined(both.a, s_a, rid, "sender@A")
        sender_b = await joined(both.b, s_b, rid, "sender@B")
        watch_a = await joined(both.a, w_a, rid, "watcher@A")
        watch_b = await joined(both.b, w_b, rid, "watcher@B")
        total = 2 * per_side
        watchers = [asyncio.create_task(room_events(w, rid, lambda fs: len(fs) >= total, timeout=60))
                    for w in (watch_a, watch_b)]
        pos_a, pos_b = await asyncio.gather(change_all(sender_a, s_a, "a"),
                                            change_all(sender_b, s_b, "b"))
        everything = sorted(pos_a + pos_b)
        assert len(set(everything)) == total, "a position was handed out twice"
        seen = await asyncio.gather(*watchers)
        for w, frames in zip((watch_a, watch_b), seen):
            assert_position_order(frames, w.name)
            assert [pos(f) for f in frames] == everything, f"{w.name} missed or reordered events"
        assert event_keys(seen[0]) == event_keys(seen[1])
        for ws in (sender_a, sender_b, watch_a, watch_b):
            await ws.close()

    arun(scenario(), timeout=100)


def test_publish_on_a_reaches_a_user_connected_on_b(both):
    user = both.b.api.register()

    async def scenario():
        ws = await ws_user(both.b, user, name="user@B")
        r = await asyncio.to_thread(
            both.a.api.req, "POST", "/api/publish",
            json_body={"user": user.id, "event": "task.updated", "data": {"task": 7}},
            headers={"Authorization": f"Bearer {KEY}"})
        assert r.status_code == 202, r.text
        assert r.json()["delivered"] == 0  # not on A; remote counts are not known
        f = await ws.recv_until("notification")
        assert f["event"] == "task.updated"
        assert f["data"] == {"task": 7}
        await ws.close()

    arun(scenario())


def test_room_deleted_on_a_reaches_subscriber_on_b(both):
    (owner, member), room = room_with_members(both, 2)

    async def scenario():
        b = await joined(both.b, member, room["id"], "member@B")
        r = await asyncio.to_thread(both.a.api.delete, f"/api/rooms/{room['id']}", owner.access)
        assert r.status_code == 204, r.text
        f = await b.recv_until("room_deleted")
        assert f["room"] == room["id"]
        await b.close()

    arun(scenario())


@pytest.mark.timeout_s(90)
def test_readyz_reports_the_bus_while_redis_is_down_and_recovers(both):
    def readyz(server):
        return requests.get(server.url("/readyz"), timeout=5)

    def metric(server, name):
        m = re.search(rf"^{name} (\d+)$", requests.get(server.url("/metrics"), timeout=5).text,
                      re.M)
        assert m, f"{name} not exported"
        return int(m.group(1))

    for s in (both.a, both.b):
        assert readyz(s).status_code == 200
    reconnects = {s: metric(s, "parley_bus_reconnects_total") for s in (both.a, both.b)}
    published = metric(both.a, "parley_bus_events_published_total")
    (carol, dave), quiet_room = room_with_members(both, 2)
    both.a.api.send_ok(carol, quiet_room["id"], "before the bus goes down")
    wait_for(lambda: metric(both.a, "parley_bus_events_published_total") > published, 10,
             "the message's event published")
    both.redis.stop()
    try:
        for s in (both.a, both.b):
            def failing(s=s):
                r = readyz(s)
                return r.json() if r.status_code == 503 else None  # a 503 Response is falsy
            body = wait_for(failing, 20, "/readyz to report the bus down")
            assert body == {"status": "unavailable", "failing": ["bus"]}
        # Sends go on being acked (they are stored); their events cannot cross and are counted.
        dropped = metric(both.a, "parley_bus_events_dropped_total")
        both.a.api.send_ok(carol, quiet_room["id"], "while the bus is down")
        wait_for(lambda: metric(both.a, "parley_bus_events_dropped_total") > dropped, 10,
                 "the lost event counted")
    finally:
        both.redis.start()
    for s in (both.a, both.b):
        wait_for(lambda s=s: readyz(s).status_code == 200, 30, "/readyz to recover")
        assert metric(s, "parley_bus_reconnects_total") > reconnects[s]
        assert metric(s, "parley_bus_queued_events") == 0

    # And the bus carries messages again.
    (alice, bob), room = room_with_members(both, 2)

    async def scenario():
        b = await joined(both.b, bob, room["id"], "bob@B")
        posted = await asyncio.to_thread(both.a.api.send_ok, alice, room["id"], "after restart")
        f = await b.recv_until("message", lambda f: f["id"] == posted["id"])
        assert f["body"] == "after restart"
        await b.close()

    arun(scenario())


def test_redis_without_postgres_is_refused_with_a_clear_error(parley_bin, tmp_path):
    import subprocess
    for database in ([], ["--database", f"sqlite:{tmp_path / 'x.db'}"]):
        r = subprocess.run([str(parley_bin), "--listen", "127.0.0.1:0", "--data-dir",
                            str(tmp_path / "d"), "--redis", "redis://127.0.0.1:1", *database],
                           capture_output=True, text=True, timeout=10)
        assert r.returncode != 0
        assert "--redis needs --database postgres://" in r.stderr, r.stderr


def test_bad_redis_url_is_refused(parley_bin, tmp_path, both):
    import subprocess
    url = next(both.a.args[i + 1] for i, f in enumerate(both.a.args) if f == "--database")
    r = subprocess.run([str(parley_bin), "--listen", "127.0.0.1:0", "--data-dir",
                        str(tmp_path / "d"), "--database", url, "--redis", "http://nope"],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode != 0
    assert "--redis: expected redis://host:port" in r.stderr, r.stderr
