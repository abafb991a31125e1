"""Presence (first connection joins, last one leaves) and typing (others only, never stored)."""

from parley_client import arun, ws_user


def _room_with(api, owner, *members):
    room = api.create_room(owner)
    for m in members:
        assert api.join_room(m, room["id"]).status_code == 200
    return room


async def _barrier(api, poster, room_id, *clients):
    """Post a marker message and wait for it on every client: earlier events are then pending."""
    marker = api.send_ok(poster, room_id, "barrier")
    for c in clients:
        await c.recv_until("message", lambda f: f["id"] == marker["id"], timeout=5)


def test_presence_join_and_leave_follow_first_and_last_connection(server, api, alice, bob):
    room = _room_with(api, alice, bob)
    rid = room["id"]

    def presence_of(c, event):
        return [f for f in c.take("presence") if f["user"]["id"] == bob.id and f["event"] == event]

    async def scenario():
        a = await ws_user(server, alice, name="a")
        await a.join(rid)
        b1 = await ws_user(server, bob, name="b1")
        j = await b1.join(rid)
        assert alice.id in {u["id"] for u in j["online"]}
        p = await a.recv_until("presence", timeout=5)
        assert p["room"] == rid and p["event"] == "join" and p["user"]["id"] == bob.id, p
        assert p["user"]["username"] == bob.username

        # A second connection of the same user: no second join.
        b2 = await ws_user(server, bob, name="b2")
        await b2.join(rid)
        await _barrier(api, alice, rid, a)
        assert presence_of(a, "join") == [], "second connection announced again"

        # One of two connections leaves: no leave.
        left = await b2.request({"type": "leave", "room": rid})
        assert left["type"] == "left"
        await _barrier(api, alice, rid, a)
        assert presence_of(a, "leave") == [], "leave announced while another connection remains"

        # The last one leaves by disconnecting: leave.
        await b1.close()
        p = await a.recv_until("presence", lambda f: f["event"] == "leave", timeout=5)
        assert p["user"]["id"] == bob.id and p["room"] == rid
        # The remaining b2 (not subscribed) and a are fine.
        assert (await b2.request({"type": "ping"}))["type"] == "pong"
        await b2.close()
        await a.close()

    arun(scenario())


def test_presence_leave_by_leave_frame(server, api, alice, bob):
    room = _room_with(api, alice, bob)
    rid = room["id"]

    async def scenario():
        a = await ws_user(server, alice, name="a")
        await a.join(rid)
        b = await ws_user(server, bob, name="b")
        await b.join(rid)
        await a.recv_until("presence", lambda f: f["event"] == "join", timeout=5)
        await b.request({"type": "leave", "room": rid})
        p = await a.recv_until("presence", lambda f: f["event"] == "leave", timeout=5)
        assert p["user"]["id"] == bob.id
        # The joiner does not get its own presence.
        assert [f for f in b.pending if f.get("type") == "presence" and f["user"]["id"] == bob.id] == []
        await a.close()
        await b.close()

    arun(scenario())


def test_online_list_in_joined(server, api, alice, bob, carol):
    room = _room_with(api, alice, bob, carol)
    rid = room["id"]

    async def scenario():
        a = await ws_user(server, alice)
        await a.join(rid)
        b = await ws_user(server, bob)
        await b.join(rid)
        c = await ws_user(server, carol)
        j = await c.join(rid)
        ids = [u["id"] for u in j["online"]]
        assert set(ids) >= {alice.id, bob.id}
        assert len(ids) == len(set(ids)), "a user listed twice in online"
        for x in (a, b, c):
            await x.close()

    arun(scenario())


def test_typing_reaches_others_not_own_connections(server, api, alice, bob):
    room = _room_with(api, alice, bob)
    rid = room["id"]

    async def scenario():
        a1 = await ws_user(server, alice, name="a1")
        a2 = await ws_user(server, alice, name="a2")
        b = await ws_user(server, bob, name="b")
        for c in (a1, a2, b):
            await c.join(rid)
        await a1.send({"type": "typing", "room": rid})
        t = await b.recv_until("typing", timeout=5)
        assert t["room"] == rid and t["user"]["id"] == alice.id and t["user"]["username"] == alice.username
        await _barrier(api, bob, rid, a1, a2)
        assert a1.take("typing") == [] and a2.take("typing") == []
        await a1.close()
        await a2.close()
        await b.close()

    arun(scenario())
    assert [m["body"] for m in api.history(alice, rid)] == ["barrier"], "typing must never be stored"


def test_typing_not_sent_to_unsubscribed(server, api, alice, bob, carol):
    room = _room_with(api, alice, bob, carol)
    rid = room["id"]
    other = api.create_room(alice)

    async def scenario():
        a = await ws_user(server, alice, name="a")
        await a.join(rid)
        c = await ws_user(server, carol, name="c")  # member, not subscribed
        await c.join(other["id"])
        await a.send({"type": "typing", "room": rid})
        await _barrier(api, alice, other["id"], c)
        assert c.take("typing") == []
        await a.close()
        await c.close()

    arun(scenario())


def test_typing_in_private_room_by_non_member(server, api, alice, carol):
    priv = api.create_room(alice, private=True)

    async def scenario():
        c = await ws_user(server, carol)
        r = await c.request({"type": "typing", "room": priv["id"]})
        # No effect; any reply must not reveal the room.
        assert r["type"] == "error" and r["code"] == "not_found", r
        await c.close()

    arun(scenario())


def test_abrupt_disconnect_announces_leave(server, api, alice, bob):
    import socket
    import struct
    from parley_client import raw_ws
    room = _room_with(api, alice, bob)
    rid = room["id"]

    async def scenario():
        a = await ws_user(server, alice, name="a")
        await a.join(rid)
        raw = raw_ws(server, bob.access)
        raw.send_text({"type": "join", "room": rid, "ref": "j"})
        raw.read_until_type("joined")
        await a.recv_until("presence", lambda f: f["event"] == "join" and f["user"]["id"] == bob.id, timeout=5)
        # No close frame, and a RST instead of a FIN.
        raw.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        raw.close()
        p = await a.recv_until("presence", lambda f: f["event"] == "leave", timeout=10)
        assert p["user"]["id"] == bob.id
        await a.close()

    arun(scenario())
