"""v1.1 replies: reply_to on send (REST and WebSocket), one level deep, parent counters and
message_updated, refused targets, the replies endpoint and its paging."""

import asyncio

import pytest

from parley_client import arun, assert_error, assert_json, ws_user
from v11_client import (MAX_ID, assert_none, assert_position_order, barrier, body_of, check_tombstone,
                        check_v11_message, delete_ok, edit_ok, get_message, replies, reply_ok, room_with,
                        send_reply, snapshot, updated_for, ws_reply)


@pytest.fixture
def room(api, alice, bob):
    """A public room of alice that bob joined; carol is not a member."""
    return room_with(api, alice, bob)


def test_rest_reply_updates_the_parent(server, api, alice, bob, room):
    parent = api.send_ok(alice, room["id"], "question?")

    async def scenario():
        c = await ws_user(server, alice)
        await c.join(room["id"])
        r = send_reply(api, bob, room["id"], "answer", parent["id"], client_id="rep-1")
        assert r.status_code == 201, r.text
        reply = assert_json(r)
        check_v11_message(reply)
        assert reply["reply_to"] == parent["id"] and reply["rev"] == reply["id"], reply
        assert reply["client_id"] == "rep-1" and reply["body"] == "answer"
        live = await c.recv_until("message", lambda f: f["id"] == reply["id"])
        assert body_of(live) == reply
        up = await updated_for(c, parent["id"])
        check_v11_message(body_of(up))
        assert up["reply_count"] == 1 and up["last_reply_at"] == reply["ts"], up
        assert up["rev"] >= reply["id"], "the parent's new rev is at least the reply's id"
        assert up["body"] == "question?" and "edited_at" not in up, "a reply is not an edit of the parent"
        await c.close()
        return reply, body_of(up)

    reply, parent_now = arun(scenario())
    assert get_message(api, alice, room["id"], parent["id"]) == parent_now
    assert get_message(api, alice, room["id"], reply["id"]) == reply
    later = api.send_ok(alice, room["id"], "later")
    assert later["id"] > parent_now["rev"]


def test_reply_and_parent_update_arrive_in_position_order(server, api, alice, bob, room):
    parent = api.send_ok(alice, room["id"], "thread start")

    async def scenario():
        c = await ws_user(server, alice)
        await c.join(room["id"])
        reply = reply_ok(api, bob, room["id"], "in thread", parent["id"])
        events = []
        while not any(f["type"] == "message_updated" and f["id"] == parent["id"] for f in events) or \
                not any(f["type"] == "message" and f["id"] == reply["id"] for f in events):
            events.append(await c.recv_until(None, lambda f: f.get("type") in ("message", "message_updated"),
                                             timeout=5))
        await barrier(c)
        events += [f for f in c.pending if f.get("type") in ("message", "message_updated")]
        assert_position_order(events)
        assert len(events) == 2, events
        await c.close()

    arun(scenario())


def test_ws_reply(server, api, alice, bob, room):
    parent = api.send_ok(alice, room["id"], "ws parent")

    async def scenario():
        a = await ws_user(server, alice, name="a")
        b = await ws_user(server, bob, name="b")
        await a.join(room["id"])
        ack = await ws_reply(b, room["id"], "ws answer", parent["id"], client_id="wsrep")
        assert ack["type"] == "ack", ack
        m = await a.recv_until("message", lambda f: f["id"] == ack["id"])
        assert m["reply_to"] == parent["id"] and m["body"] == "ws answer", m
        up = await updated_for(a, parent["id"])
        assert up["reply_count"] == 1 and up["last_reply_at"] == ack["ts"] and up["rev"] >= ack["id"], up
        # The same client_id again: the same ack, no second reply.
        again = await ws_reply(b, room["id"], "ws answer", parent["id"], client_id="wsrep")
        assert again["type"] == "ack" and again["id"] == ack["id"], again
        await assert_none(a, "message", what="after a repeated client_id")
        await a.close()
        await b.close()
        return ack, body_of(up)

    ack, up = arun(scenario())
    assert get_message(api, alice, room["id"], parent["id"]) == up


def test_counts_and_last_reply_at_follow_each_reply(api, alice, bob, room):
    parent = api.send_ok(alice, room["id"], "p")
    revs = [parent["rev"]]
    for i in range(3):
        r = reply_ok(api, alice if i % 2 else bob, room["id"], f"r{i}", parent["id"])
        p = get_message(api, alice, room["id"], parent["id"])
        assert p["reply_count"] == i + 1 and p["last_reply_at"] == r["ts"], p
        assert p["rev"] >= r["id"], p
        revs.append(p["rev"])
    assert revs == sorted(revs) and len(set(revs)) == 4, revs
    none = api.send_ok(alice, room["id"], "no replies")
    assert "reply_count" not in none or none["reply_count"] == 0
    assert "last_reply_at" not in none and "reply_to" not in none


def test_idempotent_retry_of_a_reply_changes_nothing(api, alice, bob, room):
    parent = api.send_ok(alice, room["id"], "p")
    first = send_reply(api, bob, room["id"], "once", parent["id"], client_id="rep-idem")
    assert first.status_code == 201
    p1 = get_message(api, alice, room["id"], parent["id"])
    again = send_reply(api, bob, room["id"], "once", parent["id"], client_id="rep-idem")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"], again.text
    assert get_message(api, alice, room["id"], parent["id"]) == p1
    assert p1["reply_count"] == 1


def test_reply_to_a_reply_attaches_to_the_parent(api, alice, bob, room):
    parent = api.send_ok(alice, room["id"], "top")
    r1 = reply_ok(api, bob, room["id"], "first reply", parent["id"])
    r2 = reply_ok(api, alice, room["id"], "reply to the reply", r1["id"])
    assert r2["reply_to"] == parent["id"], "threads are one level deep"
    p = get_message(api, alice, room["id"], parent["id"])
    assert p["reply_count"] == 2 and p["last_reply_at"] == r2["ts"]
    # The reply that was named is not a parent and did not change.
    assert get_message(api, alice, room["id"], r1["id"]) == r1
    assert not r1.get("reply_count")


def test_deleted_replies_still_count(api, alice, bob, room):
    parent = api.send_ok(alice, room["id"], "top")
    r1 = reply_ok(api, bob, room["id"], "r1", parent["id"])
    r2 = reply_ok(api, bob, room["id"], "r2", parent["id"])
    delete_ok(api, bob, room["id"], r2["id"])
    p = get_message(api, alice, room["id"], parent["id"])
    assert p["reply_count"] == 2 and p["last_reply_at"] == r2["ts"], p
    t = get_message(api, alice, room["id"], r2["id"])
    check_tombstone(t, r2)
    assert t["reply_to"] == parent["id"]
    # A deleted parent keeps its counters.
    delete_ok(api, alice, room["id"], parent["id"])
    tp = get_message(api, alice, room["id"], parent["id"])
    check_tombstone(tp, p)
    assert tp["reply_count"] == 2 and tp["last_reply_at"] == r2["ts"]
    assert get_message(api, alice, room["id"], r1["id"])["reply_to"] == parent["id"]


def _bad_targets(api, alice, bob, room):
    """name -> reply_to value that must be refused with 400, plus the messages to re-check."""
    other = room_with(api, alice, bob)
    foreign = api.send_ok(alice, other["id"], "in another room")
    gone = api.send_ok(alice, room["id"], "deleted")
    delete_ok(api, alice, room["id"], gone["id"])
    dead_parent = api.send_ok(alice, room["id"], "parent, deleted later")
    orphan = reply_ok(api, bob, room["id"], "reply of a deleted parent", dead_parent["id"])
    delete_ok(api, alice, room["id"], dead_parent["id"])
    live_parent = api.send_ok(alice, room["id"], "alive")
    dead_reply = reply_ok(api, bob, room["id"], "a reply, deleted", live_parent["id"])
    delete_ok(api, bob, room["id"], dead_reply["id"])
    targets = {
        "deleted": gone["id"], "reply of deleted parent": orphan["id"], "deleted reply": dead_reply["id"],
        "other room": foreign["id"], "unknown": foreign["id"] + 10 ** 9, "max": MAX_ID, "zero": 0,
        "negative": -1, "string": str(live_parent["id"]), "float": 1.5, "bool": True, "list": [live_parent["id"]],
        "object": {"id": live_parent["id"]}, "2^53": 2 ** 53, "huge": 10 ** 30,
    }
    return other, live_parent, targets


def test_refused_reply_targets_rest(api, alice, bob, room):
    other, live_parent, targets = _bad_targets(api, alice, bob, room)
    before = snapshot(api, alice, room["id"])
    before_other = snapshot(api, alice, other["id"])
    for name, value in targets.items():
        r = send_reply(api, bob, room["id"], f"reply to {name}", value)
        assert_error(r, 400, "bad_request", "reply_to")
    assert snapshot(api, alice, room["id"]) == before
    assert snapshot(api, alice, other["id"]) == before_other
    # A valid target works on the same room.
    assert reply_ok(api, bob, room["id"], "fine", live_parent["id"])["reply_to"] == live_parent["id"]


def test_refused_reply_targets_ws(server, api, alice, bob, room):
    other, live_parent, targets = _bad_targets(api, alice, bob, room)
    before = snapshot(api, alice, room["id"])

    async def scenario():
        w = await ws_user(server, alice, name="watcher")
        await w.join(room["id"])
        b = await ws_user(server, bob, name="b")
        for name, value in targets.items():
            reply = await ws_reply(b, room["id"], f"reply to {name}", value)
            assert reply["type"] == "error" and reply["code"] == "bad_request", (name, reply)
        # What the set-up stored before the join may still arrive; only something newer counts.
        newest = max((max(m["id"], m.get("rev") or 0) for m in before), default=0)
        await assert_none(w, "message", lambda f: f["id"] > newest, what="after refused replies")
        await assert_none(w, "message_updated", lambda f: f["rev"] > newest, wait=0.05,
                          what="after refused replies")
        await w.close()
        await b.close()

    arun(scenario())
    assert snapshot(api, alice, room["id"]) == before


# --------------------------------------------------------------------------------------------
# GET /api/rooms/{id}/messages/{mid}/replies


def _page(api, user, room_id, mid, **params):
    r = replies(api, user, room_id, mid, **params)
    assert r.status_code == 200, r.text
    d = assert_json(r)
    assert set(d) >= {"messages", "next_after"}, d
    return [m["id"] for m in d["messages"]], d["next_after"], d["messages"]


def test_replies_endpoint_lists_the_thread_oldest_first(api, alice, bob, room):
    parent = api.send_ok(alice, room["id"], "thread")
    other_parent = api.send_ok(alice, room["id"], "other thread")
    ids = []
    for i in range(7):
        api.send_ok(alice, room["id"], f"noise {i}")
        target = parent["id"] if i != 3 else ids[-1]  # one reply names a reply: still this thread
        ids.append(reply_ok(api, bob if i % 2 else alice, room["id"], f"r{i}", target)["id"])
        reply_ok(api, alice, room["id"], f"other {i}", other_parent["id"])
    got, nxt, msgs = _page(api, alice, room["id"], parent["id"])
    assert got == ids and nxt is None
    for m in msgs:
        check_v11_message(m)
        assert m["reply_to"] == parent["id"] and m["room"] == room["id"]
    assert _page(api, alice, room["id"], parent["id"], limit=3)[:2] == (ids[0:3], ids[2])
    assert _page(api, alice, room["id"], parent["id"], after=ids[2], limit=3)[:2] == (ids[3:6], ids[5])
    assert _page(api, alice, room["id"], parent["id"], after=ids[5], limit=3)[:2] == ([ids[6]], None)
    assert _page(api, alice, room["id"], parent["id"], after=ids[3], limit=3)[:2] == (ids[4:7], None)
    assert _page(api, alice, room["id"], parent["id"], after=ids[6])[:2] == ([], None)
    assert _page(api, alice, room["id"], parent["id"], after=parent["id"], limit=7)[:2] == (ids, None)
    assert _page(api, alice, room["id"], parent["id"], limit=1)[:2] == ([ids[0]], ids[0])
    # A full walk with next_after.
    seen, after = [], None
    for _ in range(20):
        p = {"limit": 2} if after is None else {"limit": 2, "after": after}
        page, after, _ = _page(api, alice, room["id"], parent["id"], **p)
        seen += page
        if after is None:
            break
    assert seen == ids


def test_replies_show_current_state(api, alice, bob, room):
    parent = api.send_ok(alice, room["id"], "thread")
    r1 = reply_ok(api, bob, room["id"], "tpyo", parent["id"])
    r2 = reply_ok(api, bob, room["id"], "regret", parent["id"])
    edited = edit_ok(api, bob, room["id"], r1["id"], "typo")
    delete_ok(api, bob, room["id"], r2["id"])
    _, _, msgs = _page(api, alice, room["id"], parent["id"])
    assert [m["id"] for m in msgs] == [r1["id"], r2["id"]], "deleted replies stay, as tombstones"
    assert msgs[0] == edited
    check_tombstone(msgs[1], r2)


def test_replies_default_limit_is_50(api, alice, room):
    parent = api.send_ok(alice, room["id"], "big thread")
    ids = [reply_ok(api, alice, room["id"], f"r{i}", parent["id"])["id"] for i in range(52)]
    got, nxt, _ = _page(api, alice, room["id"], parent["id"])
    assert got == ids[:50] and nxt == ids[49]
    assert _page(api, alice, room["id"], parent["id"], after=nxt)[:2] == (ids[50:], None)
    assert _page(api, alice, room["id"], parent["id"], limit=100)[:2] == (ids, None)


def test_replies_of_a_message_without_replies(api, alice, room):
    m = api.send_ok(alice, room["id"], "lonely")
    assert _page(api, alice, room["id"], m["id"])[:2] == ([], None)


@pytest.mark.parametrize("params,field", [
    ({"limit": "0"}, "limit"), ({"limit": "101"}, "limit"), ({"limit": "-1"}, "limit"),
    ({"limit": "abc"}, "limit"), ({"limit": "1.5"}, "limit"), ({"limit": ""}, "limit"),
    ({"after": "abc"}, "after"), ({"after": "-5"}, "after"), ({"after": "1.5"}, "after"),
    ({"after": "9007199254740992"}, "after"), ({"after": "99999999999999999999999"}, "after"),
])
def test_replies_bad_query(api, alice, room, params, field):
    m = api.send_ok(alice, room["id"], "thread")
    reply_ok(api, alice, room["id"], "r", m["id"])
    assert_error(replies(api, alice, room["id"], m["id"], **params), 400, "bad_request", field)


def test_replies_permissions_and_unknown_messages(api, alice, bob, carol, room):
    priv = room_with(api, alice, bob, private=True)
    other = room_with(api, alice, bob)
    m = api.send_ok(alice, room["id"], "public thread")
    mp = api.send_ok(alice, priv["id"], "private thread")
    mo = api.send_ok(alice, other["id"], "elsewhere")
    reply_ok(api, bob, room["id"], "r", m["id"])
    reply_ok(api, bob, priv["id"], "r", mp["id"])
    assert_error(replies(api, carol, room["id"], m["id"]), 403, "forbidden")
    assert_error(replies(api, carol, priv["id"], mp["id"]), 404, "not_found")
    assert_error(replies(api, carol, 987654321, mp["id"]), 404, "not_found")
    assert_error(replies(api, bob, room["id"], mo["id"]), 404, "not_found")
    assert_error(replies(api, bob, room["id"], m["id"] + 10 ** 9), 404, "not_found")
    assert_error(api.get(f"/api/rooms/{room['id']}/messages/{m['id']}/replies"), 401, "unauthorized")
    for mid in ("abc", "0", "-1", "9007199254740992"):
        r = api.get(f"/api/rooms/{room['id']}/messages/{mid}/replies", bob.access)
        assert r.status_code in (400, 404), (mid, r.status_code)
    assert len(_page(api, bob, priv["id"], mp["id"])[0]) == 1
    assert len(_page(api, bob, room["id"], m["id"])[0]) == 1


# --------------------------------------------------------------------------------------------
# replies are messages like any other


def test_replies_in_history_and_catch_up(server, api, alice, bob, room):
    parent = api.send_ok(alice, room["id"], "p")
    reply = reply_ok(api, bob, room["id"], "r", parent["id"])
    hist = api.history(alice, room["id"])
    assert [m["id"] for m in hist] == [parent["id"], reply["id"]]
    assert hist[1]["reply_to"] == parent["id"] and hist[0]["reply_count"] == 1
    page = api.page(alice, room["id"], after=parent["id"]).json()
    assert [m["id"] for m in page["messages"]] == [reply["id"]]

    async def scenario():
        c = await ws_user(server, alice)
        j = await c.join(room["id"], since=parent["id"])
        assert [m["id"] for m in j["missed"]] == [reply["id"]]
        assert j["missed"][0]["reply_to"] == parent["id"]
        # The parent (id <= since) changed after since: it is among the changes.
        assert [m["id"] for m in j["changed"]] == [parent["id"]], j["changed"]
        assert j["changed"][0]["reply_count"] == 1
        await c.close()

    arun(scenario())


def test_concurrent_replies_keep_position_order_and_count(server, api, alice, bob, carol, room):
    api.join_room(carol, room["id"])
    parent = api.send_ok(alice, room["id"], "hot thread")
    n = 15

    async def writer(c, tag):
        refs = set()
        for i in range(n):
            ref = f"{tag}{i}"
            refs.add(ref)
            await c.send({"type": "send", "room": room["id"], "body": f"{tag}{i}", "reply_to": parent["id"],
                          "ref": ref})
        acks = []
        while len(acks) < n:
            f = await c.recv_until(None, lambda f: f.get("ref") in refs, timeout=10)
            assert f["type"] == "ack", f
            acks.append(f)
        return acks

    async def scenario():
        sub = await ws_user(server, carol, name="sub")
        await sub.join(room["id"])
        a = await ws_user(server, alice, name="a")
        b = await ws_user(server, bob, name="b")
        acks = sum(await asyncio.gather(writer(a, "a"), writer(b, "b")), [])
        want = {f["id"] for f in acks}
        events = []

        def done():
            got = {f["id"] for f in events if f["type"] == "message"}
            ups = [f for f in events if f["type"] == "message_updated" and f["id"] == parent["id"]]
            return want <= got and any(u["reply_count"] == 2 * n for u in ups)

        deadline = asyncio.get_running_loop().time() + 15
        while not done():
            left = deadline - asyncio.get_running_loop().time()
            assert left > 0, "missing events"
            events.append(await sub.recv_until(None, lambda f: f.get("type") in ("message", "message_updated"),
                                               timeout=left))
        await barrier(sub)
        events += [f for f in sub.pending if f.get("type") in ("message", "message_updated")]
        assert_position_order(events, "subscriber")
        counts = [f["reply_count"] for f in events if f["type"] == "message_updated"]
        assert counts == sorted(counts) and counts[-1] == 2 * n, counts
        for c in (sub, a, b):
            await c.close()
        return acks

    acks = arun(scenario(), timeout=45)
    p = get_message(api, alice, room["id"], parent["id"])
    assert p["reply_count"] == 2 * n
    assert p["last_reply_at"] == max(acks, key=lambda f: f["id"])["ts"]
    assert p["rev"] >= max(f["id"] for f in acks)
    got, nxt, _ = _page(api, alice, room["id"], parent["id"])
    assert got == sorted(f["id"] for f in acks) and nxt is None
