"""WebSocket client frames: join/joined, since catch-up, leave, send/ack/message, errors, ref."""

import asyncio

import pytest

from parley_client import (arun, check_message_shape, check_room_shape, check_user_shape, ws_user)


def test_join_public_room_auto_joins_as_member(server, api, alice, bob):
    room = api.create_room(alice)

    async def scenario():
        c = await ws_user(server, bob)
        reply = await c.request({"type": "join", "room": room["id"]})
        assert reply["type"] == "joined", reply
        assert set(reply) >= {"room", "online", "missed", "missed_truncated"}
        check_room_shape(reply["room"])
        assert reply["room"]["id"] == room["id"] and reply["room"]["joined"] is True
        assert reply["missed"] == [] and reply["missed_truncated"] is False
        online = reply["online"]
        assert isinstance(online, list)
        for u in online:
            check_user_shape(u)
        await c.close()

    arun(scenario())
    assert api.get(f"/api/rooms/{room['id']}", bob.access).json()["joined"] is True
    assert api.page(bob, room["id"]).status_code == 200


def test_join_private_non_member_not_found(server, api, alice, carol):
    priv = api.create_room(alice, private=True)

    async def scenario():
        c = await ws_user(server, carol)
        for rid in (priv["id"], 987654321):
            reply = await c.request({"type": "join", "room": rid})
            assert reply["type"] == "error" and reply["code"] == "not_found", reply
        # Still open; and the owner can join.
        assert (await c.request({"type": "ping"}))["type"] == "pong"
        o = await ws_user(server, alice)
        assert (await o.join(priv["id"]))["room"]["private"] is True
        await c.close()
        await o.close()

    arun(scenario())
    assert api.get(f"/api/rooms/{priv['id']}", carol.access).status_code == 404


def test_join_since_returns_missed_oldest_first(server, api, alice):
    room = api.create_room(alice)
    ids = [api.send_ok(alice, room["id"], f"m{i}")["id"] for i in range(5)]

    async def scenario():
        c = await ws_user(server, alice)
        j = await c.join(room["id"], since=ids[1])
        assert [m["id"] for m in j["missed"]] == ids[2:]
        assert [m["body"] for m in j["missed"]] == ["m2", "m3", "m4"]
        for m in j["missed"]:
            check_message_shape(m)
        assert j["missed_truncated"] is False
        await c.request({"type": "leave", "room": room["id"]})
        j = await c.join(room["id"])
        assert j["missed"] == []
        await c.request({"type": "leave", "room": room["id"]})
        j = await c.join(room["id"], since=ids[-1])
        assert j["missed"] == [] and j["missed_truncated"] is False
        await c.close()

    arun(scenario())


@pytest.mark.timeout_s(120)
def test_join_since_truncates_at_500(server, api, alice):
    room = api.create_room(alice)

    async def scenario():
        sender = await ws_user(server, alice, name="sender")
        total = 503
        refs = {}
        for i in range(total):
            ref = f"s{i}"
            refs[ref] = i
            await sender.send({"type": "send", "room": room["id"], "body": f"n{i}", "client_id": f"t{i}",
                               "ref": ref})
        acks = {}
        while len(acks) < total:
            f = await sender.recv_until(None, lambda f: f.get("type") in ("ack", "error"), timeout=30)
            assert f["type"] == "ack", f
            acks[refs[f["ref"]]] = f["id"]
        ids = [acks[i] for i in range(total)]
        assert ids == sorted(ids), "ids not increasing in send order"
        since = ids[0]
        c = await ws_user(server, alice, name="reader")
        j = await c.join(room["id"], since=since, timeout=15)
        assert len(j["missed"]) == 500
        assert j["missed_truncated"] is True
        assert [m["id"] for m in j["missed"]] == ids[1:501]
        # Page on with REST `after`.
        d = api.page(alice, room["id"], after=j["missed"][-1]["id"], limit=100).json()
        assert [m["id"] for m in d["messages"]] == ids[501:]
        assert d["next_after"] is None
        await c.request({"type": "leave", "room": room["id"]})
        j2 = await c.join(room["id"], since=ids[2])
        assert len(j2["missed"]) == 500 and j2["missed_truncated"] is False
        await c.close()
        await sender.close()

    arun(scenario(), timeout=110)


def test_leave(server, api, alice, bob):
    room = api.create_room(alice)
    api.join_room(bob, room["id"])

    async def scenario():
        c = await ws_user(server, bob)
        await c.join(room["id"])
        reply = await c.request({"type": "leave", "room": room["id"]})
        assert reply["type"] == "left" and reply["room"] == room["id"], reply
        api.send_ok(alice, room["id"], "after leave")
        # Barrier: a later subscribed room's message proves the earlier one was not delivered.
        other = api.create_room(alice)
        await c.join(other["id"])
        marker = api.send_ok(alice, other["id"], "marker")
        await c.recv_until("message", lambda f: f["id"] == marker["id"])
        assert [f for f in c.pending if f.get("type") == "message"] == []
        await c.close()

    arun(scenario())
    # Leaving the subscription is not leaving the room.
    assert api.get(f"/api/rooms/{room['id']}", bob.access).json()["joined"] is True


def test_send_ack_and_delivery_to_all_subscribers(server, api, alice, bob):
    room = api.create_room(alice)
    api.join_room(bob, room["id"])

    async def scenario():
        a = await ws_user(server, alice, name="a")
        b = await ws_user(server, bob, name="b")
        await a.join(room["id"])
        await b.join(room["id"])
        await a.send({"type": "send", "room": room["id"], "body": "hi there", "client_id": "c-1",
                      "meta": {"k": [1]}, "ref": "ref-1"})
        ack = await a.recv_until("ack", timeout=5)
        assert ack["ref"] == "ref-1" and ack["room"] == room["id"] and ack["client_id"] == "c-1"
        assert isinstance(ack["id"], int) and isinstance(ack["ts"], str)
        for c in (a, b):
            m = await c.recv_until("message", timeout=5)
            check_message_shape(m)
            assert m["id"] == ack["id"] and m["ts"] == ack["ts"] and m["body"] == "hi there"
            assert m["from"]["id"] == alice.id and m["client_id"] == "c-1" and m["meta"] == {"k": [1]}
            assert m["room"] == room["id"]
        await a.close()
        await b.close()

    arun(scenario())
    hist = api.history(bob, room["id"])
    assert [m["body"] for m in hist] == ["hi there"]


def test_send_without_client_id_ack(server, api, alice):
    room = api.create_room(alice)

    async def scenario():
        a = await ws_user(server, alice)
        ack = await a.send_msg(room["id"], "no key")
        assert ack["type"] == "ack" and ack.get("client_id") is None
        await a.close()

    arun(scenario())


def test_member_may_send_without_subscribing(server, api, alice, bob):
    room = api.create_room(alice)
    api.join_room(bob, room["id"])

    async def scenario():
        a = await ws_user(server, alice)
        await a.join(room["id"])
        b = await ws_user(server, bob)
        ack = await b.send_msg(room["id"], "drive-by")
        assert ack["type"] == "ack", ack
        m = await a.recv_until("message", timeout=5)
        assert m["id"] == ack["id"]
        # b is not subscribed: b gets no message frame (barrier: ping).
        assert (await b.request({"type": "ping"}))["type"] == "pong"
        assert b.take("message") == []
        await a.close()
        await b.close()

    arun(scenario())


def test_duplicate_client_id_same_ack_no_second_message(server, api, alice, bob):
    room = api.create_room(alice)
    api.join_room(bob, room["id"])

    async def scenario():
        a = await ws_user(server, alice, name="a")
        b = await ws_user(server, bob, name="b")
        await a.join(room["id"])
        await b.join(room["id"])
        ack1 = await a.send_msg(room["id"], "only once", client_id="dup-1")
        ack2 = await a.send_msg(room["id"], "only once", client_id="dup-1")
        assert ack1["type"] == ack2["type"] == "ack"
        assert (ack1["id"], ack1["ts"], ack1["client_id"]) == (ack2["id"], ack2["ts"], ack2["client_id"])
        # A message after the duplicate works as a barrier on both connections.
        ack3 = await a.send_msg(room["id"], "next", client_id="dup-2")
        for c in (a, b):
            await c.recv_until("message", lambda f: f["id"] == ack3["id"], timeout=5)
            msgs = [f["id"] for f in c.pending if f["type"] == "message"]
            assert msgs == [ack1["id"]], (c.name, msgs)
        # REST sees the same key as already used.
        r = api.send(alice, room["id"], "only once", client_id="dup-1")
        assert r.status_code == 200 and r.json()["id"] == ack1["id"]
        await a.close()
        await b.close()

    arun(scenario())
    assert [m["body"] for m in api.history(alice, room["id"])] == ["only once", "next"]


def test_non_member_send(server, api, alice, carol):
    pub = api.create_room(alice)
    priv = api.create_room(alice, private=True)

    async def scenario():
        c = await ws_user(server, carol)
        r1 = await c.send_msg(pub["id"], "nope")
        assert r1["type"] == "error" and r1["code"] == "forbidden", r1
        r2 = await c.send_msg(priv["id"], "nope")
        assert r2["type"] == "error" and r2["code"] == "not_found", r2
        r3 = await c.send_msg(987654321, "nope")
        assert r3["type"] == "error" and r3["code"] == "not_found", r3
        await c.close()

    arun(scenario())
    assert api.history(alice, pub["id"]) == [] and api.history(alice, priv["id"]) == []


def test_ping_pong_and_ref_echo(server, api, alice, carol):
    room = api.create_room(alice)

    async def scenario():
        c = await ws_user(server, alice)
        await c.send({"type": "ping", "ref": "p-1"})
        f = await c.recv(timeout=5)
        assert f == {"type": "pong", "ref": "p-1"} or (f["type"] == "pong" and f["ref"] == "p-1"), f
        await c.send({"type": "ping"})
        f = await c.recv(timeout=5)
        assert f["type"] == "pong" and f.get("ref") is None
        long_ref = "R" * 64
        for frame, expect in (({"type": "join", "room": room["id"], "ref": long_ref}, "joined"),
                              ({"type": "send", "room": room["id"], "body": "x", "ref": long_ref}, "ack"),
                              ({"type": "leave", "room": room["id"], "ref": long_ref}, "left"),
                              ({"type": "bogus", "ref": long_ref}, "error"),
                              ({"type": "join", "room": 987654321, "ref": long_ref}, "error")):
            await c.send(frame)
            got = await c.recv_until(expect, timeout=5)
            assert got.get("ref") == long_ref, (frame, got)
        await c.close()

    arun(scenario())


@pytest.mark.parametrize("frame", [
    {"type": "bogus"},
    {"no_type": 1},
    {"type": 5},
    {"type": "join"},
    {"type": "join", "room": "7"},
    {"type": "join", "room": 1.5},
    {"type": "join", "room": 1, "since": "x"},
    {"type": "send", "body": "x"},
    {"type": "send", "room": 1},
    {"type": "send", "room": 1, "body": 5},
    {"type": "send", "room": 1, "body": ""},
    {"type": "send", "room": 1, "body": "x", "client_id": 5},
    {"type": "send", "room": 1, "body": "x", "meta": [1]},
    {"type": "leave"},
    {"type": "typing", "room": "x"},
    {"type": "ping", "ref": 5},
    {"type": "ping", "ref": "r" * 65},
    [1, 2],
    "just a string",
    "{not json",
])
def test_bad_frames_get_bad_request_and_connection_stays_open(server, api, alice, frame):
    room = api.create_room(alice)

    async def scenario():
        c = await ws_user(server, alice)
        await c.join(room["id"])
        payload = frame
        if isinstance(frame, dict):
            payload = {k: (room["id"] if v == 1 and k == "room" else v) for k, v in frame.items()}
        import json as _json
        await c.send(payload if isinstance(payload, str) else _json.dumps(payload))
        f = await c.recv_until("error", timeout=5)
        assert f["code"] == "bad_request", f
        assert isinstance(f.get("message"), str) and f["message"]
        assert (await c.request({"type": "ping"}))["type"] == "pong"
        ack = await c.send_msg(room["id"], "still works")
        assert ack["type"] == "ack"
        await c.close()

    arun(scenario())
    assert [m["body"] for m in api.history(alice, room["id"])] == ["still works"]


def test_ws_send_body_limits(server, api, alice):
    room = api.create_room(alice)

    async def scenario():
        c = await ws_user(server, alice)
        ok = await c.send_msg(room["id"], "😀" * 4000)
        assert ok["type"] == "ack", ok
        for body in ("😀" * 4001, "a\u0000b"):
            bad = await c.send_msg(room["id"], body)
            assert bad["type"] == "error" and bad["code"] == "bad_request", bad
        await c.close()

    arun(scenario())
    assert len(api.history(alice, room["id"])) == 1


def test_messages_in_id_order_none_twice(server, api, alice, bob):
    room = api.create_room(alice)
    api.join_room(bob, room["id"])

    async def scenario():
        a = await ws_user(server, alice, name="a")
        b = await ws_user(server, bob, name="b")
        r = await ws_user(server, bob, name="reader")
        await r.join(room["id"])
        n = 60
        async def burst(c, tag):
            for i in range(n):
                await c.send({"type": "send", "room": room["id"], "body": f"{tag}{i}", "client_id": f"{tag}{i}"})
        await asyncio.gather(burst(a, "a"), burst(b, "b"))
        got = []
        while len(got) < 2 * n:
            f = await r.recv_until("message", timeout=10)
            got.append(f["id"])
        assert got == sorted(got) and len(set(got)) == len(got)
        for c in (a, b, r):
            await c.close()

    arun(scenario())


def test_double_join_delivers_once(server, api, alice):
    room = api.create_room(alice)

    async def scenario():
        c = await ws_user(server, alice)
        await c.join(room["id"])
        second = await c.request({"type": "join", "room": room["id"]})
        assert second["type"] in ("joined", "error"), second
        ack = await c.send_msg(room["id"], "once")
        await c.recv_until("message", lambda f: f["id"] == ack["id"])
        assert (await c.request({"type": "ping"}))["type"] == "pong"
        assert [f for f in c.pending if f.get("type") == "message"] == [], "delivered twice"
        await c.close()

    arun(scenario())


def test_since_and_after_only_count_the_room_itself(server, api, alice):
    ra, rb = api.create_room(alice), api.create_room(alice)
    a_ids, b_ids = [], []
    for i in range(4):
        a_ids.append(api.send_ok(alice, ra["id"], f"a{i}")["id"])
        b_ids.append(api.send_ok(alice, rb["id"], f"b{i}")["id"])
    cut = a_ids[1]  # an id of room A used as a cursor in room B

    async def scenario():
        c = await ws_user(server, alice)
        j = await c.join(rb["id"], since=cut)
        assert [m["id"] for m in j["missed"]] == [i for i in b_ids if i > cut]
        assert all(m["room"] == rb["id"] for m in j["missed"])
        await c.close()

    arun(scenario())
    d = api.page(alice, rb["id"], after=cut).json()
    assert [m["id"] for m in d["messages"]] == [i for i in b_ids if i > cut]
    d = api.page(alice, rb["id"], before=cut).json()
    assert [m["id"] for m in d["messages"]] == [i for i in b_ids if i < cut][::-1]
