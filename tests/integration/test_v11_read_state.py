"""v1.1 read state: forward-only positions, clamping, unread/mentions counts, Room and member
additions, read_state to the user's other connections, receipts (throttled, rooms of <= 100)."""

import asyncio
import time

import pytest

from parley_client import arun, assert_error, assert_json, ws_user
from v11_client import (MAX_ID, READ_STATE_KEYS, assert_none, barrier, check_read_state, check_v11_message,
                        delete_ok, edit_ok, get_message, get_room, listed_room, members, read, read_ok,
                        Recorder, register_many, room_with, ws_read)


@pytest.fixture
def room(api, alice, bob, carol):
    """A public room of alice with bob and carol as members."""
    return room_with(api, alice, bob, carol)


def state(s):
    return {k: s[k] for k in READ_STATE_KEYS}


def room_state(r):
    return {"room": r["id"], "last_read": r["last_read"], "unread": r["unread"], "mentions": r["mentions"]}


def check_room_read_fields(r):
    for k in ("last_read", "unread", "mentions"):
        assert isinstance(r.get(k), int) and not isinstance(r[k], bool) and r[k] >= 0, (k, r)
    assert "last_message" in r, r
    if r["last_message"] is not None:
        check_v11_message(r["last_message"])
        assert not r["last_message"].get("deleted"), r


# --------------------------------------------------------------------------------------------
# Room additions


def test_room_fields_for_a_member_who_never_read(server, api, alice, bob, carol):
    room = room_with(api, alice, bob)
    for r in (get_room(api, bob, room["id"]), listed_room(api, bob, room["id"])):
        check_room_read_fields(r)
        assert (r["last_read"], r["unread"], r["mentions"], r["last_message"]) == (0, 0, 0, None), r
    for i in range(3):
        api.send_ok(alice, room["id"], f"a{i}")
    own = api.send_ok(bob, room["id"], "bob's own")
    for r in (get_room(api, bob, room["id"]), listed_room(api, bob, room["id"])):
        check_room_read_fields(r)
        assert (r["last_read"], r["unread"], r["mentions"]) == (0, 3, 0), r
        assert r["last_message"] == own, "the newest message, whoever wrote it"
    r = get_room(api, alice, room["id"])
    assert (r["last_read"], r["unread"]) == (0, 1), r

    async def scenario():
        c = await ws_user(server, bob)
        j = await c.join(room["id"])
        check_room_read_fields(j["room"])
        assert (j["room"]["last_read"], j["room"]["unread"], j["room"]["mentions"]) == (0, 3, 0)
        assert j["room"]["last_message"] == own
        await c.close()

    arun(scenario())
    # A non-member sees the public room listed, without a member's read state.
    pub = listed_room(api, carol, room["id"])
    assert pub["joined"] is False
    for k in ("last_read", "unread", "mentions", "last_message"):
        assert pub.get(k) is None, (k, pub)


def test_last_message_is_the_newest_not_deleted_in_current_state(api, alice, bob, room):
    m1 = api.send_ok(alice, room["id"], "one")
    m2 = api.send_ok(bob, room["id"], "two")
    assert get_room(api, alice, room["id"])["last_message"] == m2
    e2 = edit_ok(api, bob, room["id"], m2["id"], "two, edited")
    assert get_room(api, alice, room["id"])["last_message"] == e2
    delete_ok(api, bob, room["id"], m2["id"])
    assert get_room(api, alice, room["id"])["last_message"] == get_message(api, alice, room["id"], m1["id"])
    assert listed_room(api, bob, room["id"])["last_message"]["id"] == m1["id"]
    delete_ok(api, alice, room["id"], m1["id"])
    assert get_room(api, alice, room["id"])["last_message"] is None
    assert listed_room(api, bob, room["id"])["last_message"] is None


# --------------------------------------------------------------------------------------------
# POST /api/rooms/{id}/read


def test_read_returns_read_state_and_moves_forward_only(api, alice, bob, room):
    ms = [api.send_ok(alice, room["id"], f"m{i}") for i in range(4)]
    r = read(api, bob, room["id"], ms[1]["id"])
    assert r.status_code == 200, r.text
    s = assert_json(r)
    check_read_state(s, room["id"])
    assert state(s) == {"room": room["id"], "last_read": ms[1]["id"], "unread": 2, "mentions": 0}
    # Back or same: nothing changes, the current state is the answer.
    for up_to in (ms[0]["id"], ms[1]["id"], 1):
        assert state(read_ok(api, bob, room["id"], up_to)) == state(s)
    assert room_state(get_room(api, bob, room["id"])) == state(s)
    s2 = read_ok(api, bob, room["id"], ms[3]["id"])
    assert (s2["last_read"], s2["unread"]) == (ms[3]["id"], 0)
    assert room_state(listed_room(api, bob, room["id"])) == state(s2)
    # Another member's position is their own.
    assert get_room(api, alice, room["id"])["last_read"] == 0
    assert get_room(api, alice, room["id"])["unread"] == 0, "alice wrote them all"


def test_up_to_beyond_the_newest_is_clamped(api, alice, bob, room):
    ms = [api.send_ok(alice, room["id"], f"m{i}") for i in range(2)]
    for beyond in (ms[1]["id"] + 1, ms[1]["id"] + 10 ** 6, MAX_ID):
        s = read_ok(api, bob, room["id"], beyond)
        assert (s["last_read"], s["unread"]) == (ms[1]["id"], 0), s
    # The clamp stored the newest id, not the number sent: later messages are unread.
    m3 = api.send_ok(alice, room["id"], "after the clamp")
    r = get_room(api, bob, room["id"])
    assert (r["last_read"], r["unread"]) == (ms[1]["id"], 1), r
    assert read_ok(api, bob, room["id"], MAX_ID)["last_read"] == m3["id"]


def test_read_in_an_empty_room(api, alice, bob):
    room = room_with(api, alice, bob)
    s = read_ok(api, bob, room["id"], 12345)
    assert (s["last_read"], s["unread"], s["mentions"]) == (0, 0, 0), s
    m = api.send_ok(alice, room["id"], "first")
    assert get_room(api, bob, room["id"])["unread"] == 1
    assert read_ok(api, bob, room["id"], m["id"])["last_read"] == m["id"]


@pytest.mark.parametrize("payload", [
    {}, {"up_to": 0}, {"up_to": -1}, {"up_to": "5"}, {"up_to": 1.5}, {"up_to": None}, {"up_to": True},
    {"up_to": []}, {"up_to": {}}, {"up_to": 2 ** 53}, {"up_to": 10 ** 30}, {"up_to": 1e3}, {"upto": 5},
])
def test_up_to_must_be_a_positive_integer(server, api, alice, bob, room, payload):
    ms = [api.send_ok(alice, room["id"], f"m{i}") for i in range(3)]
    read_ok(api, bob, room["id"], ms[0]["id"])
    before = room_state(get_room(api, bob, room["id"]))

    async def scenario():
        w = await ws_user(server, bob, name="other tab")
        assert_error(read(api, bob, room["id"], payload=payload), 400, "bad_request", "up_to")
        await assert_none(w, "read_state", what="after a refused read")
        await w.close()

    arun(scenario())
    assert room_state(get_room(api, bob, room["id"])) == before


@pytest.mark.parametrize("raw", [b"", b"{", b"[5]", b"5", b"{\"up_to\": 5,}", b"\xff"])
def test_malformed_read_bodies(api, alice, bob, room, raw):
    m = api.send_ok(alice, room["id"], "m")
    r = api.req("POST", f"/api/rooms/{room['id']}/read", bob.access, data=raw,
                headers={"Content-Type": "application/json"})
    assert_error(r, 400, "bad_request")
    assert get_room(api, bob, room["id"])["last_read"] == 0
    assert read_ok(api, bob, room["id"], m["id"])["last_read"] == m["id"]


def test_read_permissions(api, alice, bob, carol):
    pub = room_with(api, alice, bob)
    priv = room_with(api, alice, bob, private=True)
    mp = api.send_ok(alice, priv["id"], "secret")
    m = api.send_ok(alice, pub["id"], "public")
    assert_error(read(api, carol, pub["id"], m["id"]), 403, "forbidden")
    assert_error(read(api, carol, priv["id"], mp["id"]), 404, "not_found")
    assert_error(read(api, carol, 987654321, mp["id"]), 404, "not_found")
    assert_error(api.post(f"/api/rooms/{pub['id']}/read", {"up_to": m["id"]}), 401, "unauthorized")
    for rid in ("abc", "0", "-1", "9007199254740992"):
        r = api.post(f"/api/rooms/{rid}/read", {"up_to": 1}, token=bob.access)
        assert r.status_code in (400, 404), (rid, r.status_code)
    assert read_ok(api, bob, priv["id"], mp["id"])["last_read"] == mp["id"]
    assert get_room(api, alice, pub["id"])["last_read"] == 0


def test_unread_excludes_own_and_deleted_messages(api, alice, bob, room):
    a1 = api.send_ok(alice, room["id"], "a1")
    b = [api.send_ok(bob, room["id"], f"b{i}") for i in range(3)]
    a2 = api.send_ok(alice, room["id"], "a2")
    assert get_room(api, alice, room["id"])["unread"] == 3
    assert get_room(api, bob, room["id"])["unread"] == 2
    delete_ok(api, bob, room["id"], b[1]["id"])
    assert get_room(api, alice, room["id"])["unread"] == 2
    assert listed_room(api, alice, room["id"])["unread"] == 2
    s = read_ok(api, alice, room["id"], b[0]["id"])
    assert s["unread"] == 1, "b2 only: b1 is deleted, a2 is alice's own"
    s = read_ok(api, bob, room["id"], a1["id"])
    assert s["unread"] == 1, "a2 only: bob's own do not count"
    assert a2


def test_mentions_count(api, alice, bob, carol, room):
    m0 = api.send_ok(alice, room["id"], "start")
    read_ok(api, bob, room["id"], m0["id"])
    m1 = api.send_ok(alice, room["id"], f"@{bob.username} one")
    api.send_ok(carol, room["id"], f"@{alice.username} not for bob")
    m3 = api.send_ok(carol, room["id"], f"hey @{bob.username.upper()}")
    m4 = api.send_ok(alice, room["id"], "plain")
    r = get_room(api, bob, room["id"])
    assert (r["unread"], r["mentions"]) == (4, 2), r
    assert get_room(api, alice, room["id"])["mentions"] == 1
    delete_ok(api, carol, room["id"], m3["id"])
    assert (get_room(api, bob, room["id"])["unread"], get_room(api, bob, room["id"])["mentions"]) == (3, 1)
    edit_ok(api, alice, room["id"], m4["id"], f"plain, now @{bob.username}")
    assert listed_room(api, bob, room["id"])["mentions"] == 2
    edit_ok(api, alice, room["id"], m1["id"], "one, no longer mentioning")
    assert get_room(api, bob, room["id"])["mentions"] == 1
    s = read_ok(api, bob, room["id"], m1["id"])
    assert (s["unread"], s["mentions"]) == (2, 1), s
    s = read_ok(api, bob, room["id"], m4["id"])
    assert (s["unread"], s["mentions"]) == (0, 0), s


def test_members_carry_last_read(api, alice, bob, carol, room):
    ms = [api.send_ok(alice, room["id"], f"m{i}") for i in range(3)]
    read_ok(api, bob, room["id"], ms[1]["id"])
    read_ok(api, carol, room["id"], MAX_ID)
    got = members(api, alice, room["id"])
    assert got[bob.id]["last_read"] == ms[1]["id"]
    assert got[carol.id]["last_read"] == ms[2]["id"]
    assert got[alice.id]["last_read"] == 0
    for m in got.values():
        assert isinstance(m["last_read"], int), m


# --------------------------------------------------------------------------------------------
# read_state on the user's connections


def test_ws_read_replies_and_reaches_the_users_other_connections(server, api, alice, bob, carol, room):
    other_room = room_with(api, alice, bob)
    ms = [api.send_ok(alice, room["id"], f"m{i}") for i in range(3)]

    async def scenario():
        actor = await ws_user(server, bob, name="actor")
        idle = await ws_user(server, bob, name="bob, not subscribed")
        elsewhere = await ws_user(server, bob, name="bob, in another room")
        alice_c = await ws_user(server, alice, name="alice")
        await actor.join(room["id"])
        await elsewhere.join(other_room["id"])
        await alice_c.join(room["id"])
        reply = await ws_read(actor, room["id"], ms[1]["id"])
        assert reply["type"] == "read_state", reply
        assert isinstance(reply.get("ref"), str)
        check_read_state(reply, room["id"])
        want = {"room": room["id"], "last_read": ms[1]["id"], "unread": 1, "mentions": 0}
        assert state(reply) == want
        for c in (idle, elsewhere):
            f = await c.recv_until("read_state", timeout=5)
            assert state(f) == want, f
            assert f.get("ref") is None, "only the acting connection's reply carries its ref"
        await assert_none(actor, "read_state", what="beyond its reply")
        await assert_none(alice_c, "read_state", wait=0.05, what="for another user")
        # A read that does not move answers the current state and tells nobody.
        back = await ws_read(actor, room["id"], ms[0]["id"])
        assert back["type"] == "read_state" and state(back) == want, back
        for c in (idle, elsewhere):
            await assert_none(c, "read_state", what="after a read that did not move")
        # REST moves it: every connection of the user hears of it.
        s = read_ok(api, bob, room["id"], ms[2]["id"])
        for c in (actor, idle, elsewhere):
            f = await c.recv_until("read_state", timeout=5)
            assert state(f) == state(s), f
        for c in (actor, idle, elsewhere, alice_c):
            await c.close()

    arun(scenario())


def test_ws_read_errors(server, api, alice, bob, carol):
    pub = room_with(api, alice, bob)
    priv = room_with(api, alice, bob, private=True)
    m = api.send_ok(alice, pub["id"], "x")

    async def scenario():
        c = await ws_user(server, carol, name="carol")
        b = await ws_user(server, bob, name="bob")
        for frame, code in (({"type": "read", "room": pub["id"], "up_to": m["id"]}, "forbidden"),
                            ({"type": "read", "room": priv["id"], "up_to": m["id"]}, "not_found"),
                            ({"type": "read", "room": 987654321, "up_to": m["id"]}, "not_found")):
            r = await c.request(frame)
            assert r["type"] == "error" and r["code"] == code, (frame, r)
        for up_to in (0, -1, "5", 1.5, None, True, [1], 2 ** 53):
            r = await b.request({"type": "read", "room": pub["id"], "up_to": up_to})
            assert r["type"] == "error" and r["code"] == "bad_request", (up_to, r)
        for frame in ({"type": "read", "room": pub["id"]}, {"type": "read", "up_to": m["id"]},
                      {"type": "read", "room": str(pub["id"]), "up_to": m["id"]}):
            r = await b.request(frame)
            assert r["type"] == "error" and r["code"] == "bad_request", (frame, r)
        await barrier(b)
        ok = await ws_read(b, pub["id"], m["id"])
        assert ok["type"] == "read_state" and ok["last_read"] == m["id"], ok
        await c.close()
        await b.close()

    arun(scenario())


def test_read_state_survives_a_restart(server_factory, tmp_path):
    srv = server_factory([], data_dir=tmp_path / "read-data")
    api = srv.api
    a, b = api.register(), api.register()
    room = room_with(api, a, b)
    ms = [api.send_ok(a, room["id"], f"m{i}") for i in range(3)]
    read_ok(api, b, room["id"], ms[1]["id"])
    srv.stop()
    srv.restart()
    api = srv.api
    r = get_room(api, b, room["id"])
    assert (r["last_read"], r["unread"]) == (ms[1]["id"], 1), r
    assert members(api, a, room["id"])[b.id]["last_read"] == ms[1]["id"]
    assert read_ok(api, b, room["id"], ms[0]["id"])["last_read"] == ms[1]["id"]


# --------------------------------------------------------------------------------------------
# receipts


def is_receipt_of(user):
    return lambda f: f.get("user", {}).get("id") == user.id


def test_receipt_reaches_the_rooms_subscribers(server, api, alice, bob, carol, room):
    ms = [api.send_ok(alice, room["id"], f"m{i}") for i in range(2)]

    async def scenario():
        a = await ws_user(server, alice, name="alice, subscribed")
        c_idle = await ws_user(server, carol, name="carol, not subscribed")
        await a.join(room["id"])
        read_ok(api, bob, room["id"], ms[0]["id"])
        f = await a.recv_until("receipt", is_receipt_of(bob), timeout=5)
        assert f["room"] == room["id"] and f["last_read"] == ms[0]["id"], f
        assert f["user"]["id"] == bob.id and f["user"]["username"] == bob.username, f
        await assert_none(c_idle, "receipt", wait=0.2, what="on a connection not subscribed")
        # A read that does not move sends no receipt (wait past the throttle window).
        read_ok(api, bob, room["id"], ms[0]["id"])
        await assert_none(a, "receipt", wait=1.5, what="after a read that did not move")
        await a.close()
        await c_idle.close()

    arun(scenario())


def test_receipts_are_throttled_and_the_latest_wins(server, api, alice, bob, carol, room):
    """Six moves in a burst: at most one receipt per member per second, the last one carrying the
    latest position; another member's receipt is not held back."""
    ms = [api.send_ok(alice, room["id"], f"m{i}") for i in range(8)]

    async def scenario():
        a = await ws_user(server, alice, name="alice")
        await a.join(room["id"])
        rec = Recorder(a)
        t0 = time.monotonic()
        for m in ms[:6]:
            await asyncio.to_thread(read_ok, api, bob, room["id"], m["id"])
        burst = time.monotonic() - t0
        await asyncio.to_thread(read_ok, api, carol, room["id"], ms[0]["id"])
        receipt_of = lambda user, pos=None: lambda f: (f.get("type") == "receipt" and  # noqa: E731
                                                       f.get("user", {}).get("id") == user.id and
                                                       (pos is None or f.get("last_read") == pos))
        t_last, _ = await rec.wait_for(receipt_of(bob, ms[5]["id"]), 6, "receipt of the latest position")
        await rec.wait_for(receipt_of(carol, ms[0]["id"]), 3, "carol's receipt")
        # Nothing more for bob: wait past a throttle window, then a ping barrier.
        await asyncio.sleep(1.3)
        await rec.barrier()
        got = [(t, f["last_read"]) for t, f in rec.matching(receipt_of(bob))]
        assert got[-1] == (t_last, ms[5]["id"]), f"a receipt after the latest position: {got}"
        for _, f in rec.matching(receipt_of(bob)):
            assert f["room"] == room["id"] and f["user"]["username"] == bob.username, f
        positions = [p for _, p in got]
        assert positions == sorted(positions) and len(set(positions)) == len(positions), got
        for (t1, _), (t2, _) in zip(got, got[1:]):
            assert t2 - t1 >= 0.9, f"two receipts of one member {t2 - t1:.3f}s apart: {got}"
        if burst < 0.9:
            assert len(got) <= 2, f"6 moves within {burst:.2f}s gave {len(got)} receipts: {got}"
        assert len(rec.matching(receipt_of(carol))) == 1
        # After a quiet second the next move is reported again.
        await asyncio.to_thread(read_ok, api, bob, room["id"], ms[7]["id"])
        await rec.wait_for(receipt_of(bob, ms[7]["id"]), 3, "the next receipt")
        await rec.stop()
        await a.close()

    arun(scenario(), timeout=40)


@pytest.mark.timeout_s(150)
def test_receipts_only_in_rooms_of_at_most_100_members(server, api, admin, alice, bob, carol):
    crowd = register_many(api, 97)
    room = room_with(api, alice, bob, carol, admin, *crowd[:96])
    assert get_room(api, alice, room["id"])["member_count"] == 100
    ms = [api.send_ok(alice, room["id"], f"m{i}") for i in range(4)]

    async def scenario():
        a = await ws_user(server, alice, name="alice")
        await a.join(room["id"])
        # 100 members: receipts.
        read_ok(api, bob, room["id"], ms[0]["id"])
        f = await a.recv_until("receipt", is_receipt_of(bob), timeout=5)
        assert f["last_read"] == ms[0]["id"]
        # The 101st member joins: no more receipts (past the throttle window), read state still moves.
        assert api.join_room(crowd[96], room["id"]).status_code == 200
        assert get_room(api, alice, room["id"])["member_count"] == 101
        s = read_ok(api, carol, room["id"], ms[1]["id"])
        assert s["last_read"] == ms[1]["id"]
        read_ok(api, bob, room["id"], ms[2]["id"])
        await assert_none(a, "receipt", wait=1.5, what="in a room of 101 members")
        assert members(api, alice, room["id"])[bob.id]["last_read"] == ms[2]["id"]
        # Back to 100: receipts again.
        assert api.post(f"/api/rooms/{room['id']}/leave", token=crowd[96].access).status_code == 204
        assert get_room(api, alice, room["id"])["member_count"] == 100
        read_ok(api, bob, room["id"], ms[3]["id"])
        f = await a.recv_until("receipt", lambda f: is_receipt_of(bob)(f) and f["last_read"] == ms[3]["id"],
                               timeout=5)
        await a.close()

    arun(scenario(), timeout=40)
