"""v1.1 reactions: PUT/DELETE and the `react` frame, emoji rules, the 20-emoji cap, the shape."""

import asyncio

import pytest

from parley_client import arun, assert_error, assert_json, ws_user
from v11_client import (assert_none, assert_position_order, barrier, body_of, check_updated, check_v11_message,
                        delete_ok, enc, expect_error, get_message, pos, react, react_ok, reactions_of,
                        register_many, room_with, unreact, unreact_ok, updated_for, ws_react)


@pytest.fixture
def room(api, alice, bob):
    """A public room of alice that bob joined; carol is not a member."""
    return room_with(api, alice, bob)


def users_set(m):
    return [(e, c, sorted(u)) for e, c, u in reactions_of(m)]


def test_react_adds_the_callers_reaction(server, api, alice, bob, room):
    m = api.send_ok(alice, room["id"], "react to me")
    later = api.send_ok(alice, room["id"], "later")

    async def scenario():
        c = await ws_user(server, alice)
        await c.join(room["id"])
        r = react(api, bob, room["id"], m["id"], "👍")
        assert r.status_code == 200, r.text
        got = assert_json(r)
        check_v11_message(got)
        assert got["id"] == m["id"] and got["body"] == "react to me"
        assert got["reactions"] == [{"emoji": "👍", "count": 1, "users": [bob.id]}], got
        assert got["rev"] > later["id"], "a reaction draws a fresh position"
        live = await updated_for(c, m["id"], got["rev"])
        assert body_of(live) == got
        await c.close()
        return got

    got = arun(scenario())
    assert get_message(api, alice, room["id"], m["id"]) == got
    assert "edited_at" not in got, "a reaction is not an edit"


def test_reacting_again_is_not_an_error_and_draws_nothing(server, api, alice, bob, room):
    m = api.send_ok(alice, room["id"], "once")
    first = react_ok(api, bob, room["id"], m["id"], "🎉")

    async def scenario():
        c = await ws_user(server, alice)
        await c.join(room["id"])
        again = react_ok(api, bob, room["id"], m["id"], "🎉")
        assert again == first, (first, again)
        # The first reaction committed before the join and may still arrive (a join without
        # `since` starts its live stream there); only a later revision would be a change.
        await assert_none(c, "message_updated", lambda f: f["rev"] > first["rev"],
                          what="after a repeated reaction")
        await c.close()

    arun(scenario())
    assert get_message(api, alice, room["id"], m["id"]) == first


def test_unreact_removes_and_absent_is_not_an_error(server, api, alice, bob, room):
    m = api.send_ok(alice, room["id"], "meh")
    on = react_ok(api, bob, room["id"], m["id"], "👍")

    async def scenario():
        c = await ws_user(server, alice)
        await c.join(room["id"])
        off = unreact_ok(api, bob, room["id"], m["id"], "👍")
        check_v11_message(off)
        assert reactions_of(off) == [] and off["rev"] > on["rev"], off
        assert body_of(await updated_for(c, m["id"], off["rev"])) == off
        for who, emoji in ((bob, "👍"), (bob, "🙈"), (alice, "👍")):
            again = unreact_ok(api, who, room["id"], m["id"], emoji)
            assert again["rev"] == off["rev"] and reactions_of(again) == [], again
        await assert_none(c, "message_updated", what="after removing an absent reaction")
        await c.close()
        return off

    off = arun(scenario())
    assert get_message(api, alice, room["id"], m["id"]) == off


def test_unreact_only_removes_the_callers_reaction(api, alice, bob, room):
    m = api.send_ok(alice, room["id"], "two fans")
    react_ok(api, alice, room["id"], m["id"], "👍")
    react_ok(api, bob, room["id"], m["id"], "👍")
    got = unreact_ok(api, alice, room["id"], m["id"], "👍")
    assert reactions_of(got) == [("👍", 1, [bob.id])]


def test_reactions_ordered_by_first_use(api, alice, bob, carol, room):
    api.join_room(carol, room["id"])
    m = api.send_ok(carol, room["id"], "popular")
    revs = [m["rev"]]
    for who, emoji in ((bob, "🎉"), (carol, "👍"), (alice, "🎉"), (alice, "👍"), (bob, ":ship-it:"),
                       (carol, "🎉")):
        revs.append(react_ok(api, who, room["id"], m["id"], emoji)["rev"])
    assert revs == sorted(revs) and len(set(revs)) == len(revs), "each reaction draws a larger rev"
    got = get_message(api, alice, room["id"], m["id"])
    check_v11_message(got)
    assert users_set(got) == [("🎉", 3, sorted([bob.id, alice.id, carol.id])),
                              ("👍", 2, sorted([carol.id, alice.id])),
                              (":ship-it:", 1, [bob.id])], got["reactions"]
    # Removing a reaction of a still-used emoji keeps the order.
    got = unreact_ok(api, bob, room["id"], m["id"], "🎉")
    assert [e for e, _, _ in reactions_of(got)] == ["🎉", "👍", ":ship-it:"]
    assert reactions_of(got)[0][1] == 2


VALID_EMOJI = [
    "👍", "🇪🇸", ":ship-it:", "+1", "❤️", "👍🏽", "👨\u200d👩\u200d👧", "ü", "a/b", "100%", "?x=1&y#z",
    "a" * 32, "👍" * 32, "🇪🇸" * 16, "<b>", "'\"\\",
]


@pytest.mark.parametrize("emoji", VALID_EMOJI)
def test_valid_emoji_round_trip(api, alice, bob, room, emoji):
    m = api.send_ok(alice, room["id"], "emoji test")
    got = react_ok(api, bob, room["id"], m["id"], emoji)
    assert reactions_of(got) == [(emoji, 1, [bob.id])], got
    assert reactions_of(get_message(api, alice, room["id"], m["id"])) == [(emoji, 1, [bob.id])]
    off = unreact_ok(api, bob, room["id"], m["id"], emoji)
    assert reactions_of(off) == []


BAD_EMOJI = [
    "a" * 33, "👍" * 33, "🇪🇸" * 16 + "a", " ", "a b", " 👍", "👍 ", "\t", "a\nb", "\r", "\u00a0",
    "\u2003", "\u3000", "\u2028", "\x00", "a\x01", "\x1f", "\x7f", "\x9f",
]


@pytest.mark.parametrize("emoji", BAD_EMOJI)
def test_bad_emoji_is_400_and_changes_nothing(server, api, alice, bob, room, emoji):
    m = api.send_ok(alice, room["id"], "no bad emoji")
    react_ok(api, alice, room["id"], m["id"], "👍")
    before = get_message(api, alice, room["id"], m["id"])

    async def scenario():
        c = await ws_user(server, alice)
        await c.join(room["id"])
        assert_error(react(api, bob, room["id"], m["id"], emoji), 400, "bad_request", "emoji")
        assert_error(unreact(api, bob, room["id"], m["id"], emoji), 400, "bad_request", "emoji")
        reply = await ws_react(c, room["id"], m["id"], emoji)
        assert reply["type"] == "error" and reply["code"] == "bad_request", reply
        # Alice's own reaction above may still be on its way (it committed before the join,
        # whose live stream starts without `since`): only a later revision would be a change.
        await assert_none(c, "message_updated", lambda f: f["rev"] > before["rev"],
                          what=f"after emoji {emoji!r}")
        await c.close()

    arun(scenario())
    assert get_message(api, alice, room["id"], m["id"]) == before


@pytest.mark.parametrize("raw", ["%FF", "%C3%28", "%ED%A0%80", "%F0%9F%91", "%C0%AF", "%F4%90%80%80", "%",
                                 "%G1", "%2", "a%"])
def test_bad_encoding_in_path_is_400(api, alice, bob, room, raw):
    m = api.send_ok(alice, room["id"], "encoding")
    for r in (react(api, bob, room["id"], m["id"], raw, raw=True),
              unreact(api, bob, room["id"], m["id"], raw, raw=True)):
        assert_error(r, 400, "bad_request")
    assert get_message(api, alice, room["id"], m["id"]) == m
    assert reactions_of(react_ok(api, bob, room["id"], m["id"], "👍")) == [("👍", 1, [bob.id])]


def test_empty_emoji_segment(api, alice, bob, room):
    m = api.send_ok(alice, room["id"], "empty")
    base = f"/api/rooms/{room['id']}/messages/{m['id']}/reactions"
    for path in (base + "/", base):
        for method in ("PUT", "DELETE"):
            r = api.req(method, path, bob.access)
            assert r.status_code in (400, 404), (method, path, r.status_code, r.text)
            assert_error(r, r.status_code, "bad_request" if r.status_code == 400 else "not_found")
    assert get_message(api, alice, room["id"], m["id"]) == m
    assert reactions_of(react_ok(api, bob, room["id"], m["id"], "👍")) == [("👍", 1, [bob.id])]


def test_path_encodings_of_one_emoji_are_the_same_emoji(api, alice, bob, room):
    m = api.send_ok(alice, room["id"], "encodings")
    # "+" is a literal plus in a path; lower-case hex decodes like upper-case.
    got = react_ok(api, bob, room["id"], m["id"], "+1", raw=True)
    assert reactions_of(got) == [("+1", 1, [bob.id])], got
    got = react_ok(api, alice, room["id"], m["id"], "%2B1", raw=True)
    assert users_set(got) == [("+1", 2, sorted([bob.id, alice.id]))], got
    got = react_ok(api, bob, room["id"], m["id"], "%f0%9f%91%8d", raw=True)
    assert [e for e, _, _ in reactions_of(got)] == ["+1", "👍"], got
    got = react_ok(api, bob, room["id"], m["id"], ":ship-it:", raw=True)
    got = unreact_ok(api, bob, room["id"], m["id"], enc(":ship-it:"), raw=True)
    got = unreact_ok(api, bob, room["id"], m["id"], "%F0%9F%91%8D", raw=True)
    got = unreact_ok(api, bob, room["id"], m["id"], "%2b1", raw=True)
    assert reactions_of(got) == [("+1", 1, [alice.id])], got


def test_at_most_20_distinct_emoji(server, api, alice, bob, room):
    m = api.send_ok(alice, room["id"], "cap")
    emoji = [f":e{i}:" for i in range(20)]
    for i, e in enumerate(emoji):
        react_ok(api, alice if i % 2 else bob, room["id"], m["id"], e)
    full = get_message(api, alice, room["id"], m["id"])
    assert [e for e, _, _ in reactions_of(full)] == emoji

    async def scenario():
        c = await ws_user(server, alice)
        await c.join(room["id"])
        assert_error(react(api, bob, room["id"], m["id"], ":e20:"), 400, "bad_request")
        assert_error(react(api, alice, room["id"], m["id"], "👍"), 400, "bad_request")
        reply = await ws_react(c, room["id"], m["id"], "🙈")
        assert reply["type"] == "error" and reply["code"] == "bad_request", reply
        await assert_none(c, "message_updated", lambda f: f["rev"] > full["rev"],
                          what="after a refused 21st emoji")
        await c.close()

    arun(scenario())
    assert get_message(api, alice, room["id"], m["id"]) == full
    # An emoji already there is not a new one.
    more = react_ok(api, alice, room["id"], m["id"], ":e0:")
    assert reactions_of(more)[0] == (":e0:", 2, reactions_of(more)[0][2]) and len(reactions_of(more)) == 20
    # Once an emoji is gone entirely, a new one fits again (and is the 20th).
    unreact_ok(api, alice, room["id"], m["id"], ":e1:")
    got = react_ok(api, bob, room["id"], m["id"], ":new:")
    assert len(reactions_of(got)) == 20 and reactions_of(got)[-1][0] == ":new:"
    assert_error(react(api, bob, room["id"], m["id"], ":e1:"), 400, "bad_request")


def test_deleted_message_cannot_be_reacted_to(server, api, alice, bob, room):
    m = api.send_ok(alice, room["id"], "going away")
    react_ok(api, bob, room["id"], m["id"], "👍")
    delete_ok(api, alice, room["id"], m["id"])
    t = get_message(api, alice, room["id"], m["id"])
    assert "reactions" not in t, t
    assert_error(react(api, bob, room["id"], m["id"], "🎉"), 409, "conflict")
    assert_error(react(api, bob, room["id"], m["id"], "👍"), 409, "conflict")
    assert_error(unreact(api, bob, room["id"], m["id"], "👍"), 409, "conflict")
    assert_error(unreact(api, bob, room["id"], m["id"], "🙈"), 409, "conflict")

    async def scenario():
        c = await ws_user(server, bob)
        for on in (True, False):
            await expect_error(c, {"type": "react", "room": room["id"], "id": m["id"], "emoji": "👍", "on": on},
                               "conflict")
        await c.close()

    arun(scenario())
    assert get_message(api, alice, room["id"], m["id"]) == t


def test_reaction_permissions_and_unknown_messages(api, alice, bob, carol, room):
    priv = room_with(api, alice, bob, private=True)
    other = room_with(api, alice, bob)
    m = api.send_ok(alice, room["id"], "public")
    mp = api.send_ok(alice, priv["id"], "private")
    mo = api.send_ok(alice, other["id"], "other room")
    for fn in (react, unreact):
        assert_error(fn(api, carol, room["id"], m["id"], "👍"), 403, "forbidden")
        assert_error(fn(api, carol, priv["id"], mp["id"], "👍"), 404, "not_found")
        assert_error(fn(api, carol, 987654321, mp["id"], "👍"), 404, "not_found")
        assert_error(fn(api, bob, room["id"], mo["id"], "👍"), 404, "not_found")
        assert_error(fn(api, bob, room["id"], m["id"] + 10 ** 9, "👍"), 404, "not_found")
        r = api.req("PUT" if fn is react else "DELETE",
                    f"/api/rooms/{room['id']}/messages/{m['id']}/reactions/{enc('👍')}")
        assert_error(r, 401, "unauthorized")
    for mid in ("abc", "0", "-1", "9007199254740992", "1.5"):
        r = api.req("PUT", f"/api/rooms/{room['id']}/messages/{mid}/reactions/{enc('👍')}", bob.access)
        assert r.status_code in (400, 404), (mid, r.status_code)
    assert get_message(api, alice, room["id"], m["id"]) == m
    assert get_message(api, alice, priv["id"], mp["id"]) == mp
    assert get_message(api, alice, other["id"], mo["id"]) == mo
    # Any member may react, to anyone's message and to their own.
    assert reactions_of(react_ok(api, bob, priv["id"], mp["id"], "👍")) == [("👍", 1, [bob.id])]
    assert users_set(react_ok(api, alice, priv["id"], mp["id"], "👍")) == [("👍", 2, sorted([alice.id, bob.id]))]


def test_ws_react_on_and_off(server, api, alice, bob, room):
    m = api.send_ok(alice, room["id"], "ws reactions")

    async def scenario():
        actor = await ws_user(server, bob, name="actor")
        other = await ws_user(server, alice, name="other")
        await actor.join(room["id"])
        await other.join(room["id"])
        on = await ws_react(actor, room["id"], m["id"], "👍", True)
        rev_on = check_updated(on, room["id"], m["id"])
        assert rev_on > m["id"]
        for c in (actor, other):
            f = await updated_for(c, m["id"], rev_on)
            assert reactions_of(f) == [("👍", 1, [bob.id])], f
        again = await ws_react(actor, room["id"], m["id"], "👍", True)
        assert check_updated(again, room["id"], m["id"]) == rev_on, "a repeated reaction draws no rev"
        off = await ws_react(actor, room["id"], m["id"], "👍", False)
        rev_off = check_updated(off, room["id"], m["id"])
        assert rev_off > rev_on
        for c in (actor, other):
            f = await updated_for(c, m["id"], rev_off)
            assert reactions_of(f) == [], f
        absent = await ws_react(actor, room["id"], m["id"], "👍", False)
        assert check_updated(absent, room["id"], m["id"]) == rev_off
        for c in (actor, other):
            await assert_none(c, "message_updated", what="after repeated react frames")
        await actor.close()
        await other.close()

    arun(scenario())


def test_ws_react_errors(server, api, alice, bob, carol, room):
    priv = room_with(api, alice, bob, private=True)
    other = room_with(api, alice, bob)
    m = api.send_ok(alice, room["id"], "target")
    mp = api.send_ok(alice, priv["id"], "private target")
    mo = api.send_ok(alice, other["id"], "elsewhere")

    async def scenario():
        c = await ws_user(server, carol, name="carol")
        b = await ws_user(server, bob, name="bob")
        await expect_error(c, {"type": "react", "room": room["id"], "id": m["id"], "emoji": "👍", "on": True},
                           "forbidden")
        await expect_error(c, {"type": "react", "room": priv["id"], "id": mp["id"], "emoji": "👍", "on": True},
                           "not_found")
        await expect_error(b, {"type": "react", "room": room["id"], "id": mo["id"], "emoji": "👍", "on": True},
                           "not_found")
        await expect_error(b, {"type": "react", "room": room["id"], "id": m["id"] + 10 ** 9, "emoji": "👍",
                               "on": True}, "not_found")
        base = {"type": "react", "room": room["id"], "id": m["id"], "emoji": "👍", "on": True}
        bad = [
            {k: v for k, v in base.items() if k != "emoji"},
            {k: v for k, v in base.items() if k != "on"},
            {k: v for k, v in base.items() if k != "id"},
            {k: v for k, v in base.items() if k != "room"},
            {**base, "emoji": 5}, {**base, "emoji": None}, {**base, "emoji": ""}, {**base, "emoji": ["👍"]},
            {**base, "emoji": "a" * 33}, {**base, "emoji": "a b"}, {**base, "emoji": "\u0000"},
            {**base, "on": "yes"}, {**base, "on": 1}, {**base, "on": None}, {**base, "on": "true"},
            {**base, "id": "5"}, {**base, "id": 1.5}, {**base, "room": "7"},
        ]
        for frame in bad:
            await expect_error(b, frame, "bad_request")
        await barrier(b)
        await c.close()
        await b.close()

    arun(scenario())
    for r, msg in ((room, m), (priv, mp), (other, mo)):
        assert get_message(api, alice, r["id"], msg["id"]) == msg


@pytest.mark.timeout_s(150)
def test_users_hold_at_most_the_first_100_ids(api, admin, alice, bob, carol):
    """101 reactors: count 101, users the first 100 (reacting in id order, so "first" is both the
    earliest and the smallest ids)."""
    crowd = register_many(api, 97)
    reactors = sorted([admin, alice, bob, carol] + crowd, key=lambda u: u.id)
    assert len(reactors) == 101
    room = room_with(api, alice, *[u for u in reactors if u is not alice])
    m = api.send_ok(alice, room["id"], "go viral")
    for u in reactors:
        react_ok(api, u, room["id"], m["id"], "🚀")
    got = get_message(api, alice, room["id"], m["id"])
    check_v11_message(got)
    [(emoji, count, users)] = reactions_of(got)
    assert emoji == "🚀" and count == 101
    assert users == [u.id for u in reactors[:100]], users
    # The 101st sees their reaction counted without being listed; after the first leaves, the
    # remaining 100 are listed.
    got = unreact_ok(api, reactors[0], room["id"], m["id"], "🚀")
    [(emoji, count, users)] = reactions_of(got)
    assert count == 100 and users == [u.id for u in reactors[1:]], users


def test_reactions_interleaved_with_sends_arrive_in_position_order(server, api, alice, bob, carol, room):
    api.join_room(carol, room["id"])
    seeds = [api.send_ok(alice, room["id"], f"seed{i}") for i in range(8)]

    async def writer(c, tag, emoji):
        refs = {}
        for i in range(12):
            target = seeds[i % len(seeds)]["id"]
            for ref, frame in ((f"{tag}s{i}", {"type": "send", "room": room["id"], "body": f"{tag}{i}"}),
                               (f"{tag}r{i}", {"type": "react", "room": room["id"], "id": target,
                                               "emoji": emoji, "on": i % 3 != 2})):
                refs[ref] = frame["type"]
                await c.send({**frame, "ref": ref})
        out = []
        while len(out) < len(refs):
            f = await c.recv_until(None, lambda f: f.get("ref") in refs, timeout=10)
            assert f["type"] == ("ack" if refs[f["ref"]] == "send" else "updated"), f
            out.append(f)
        return out

    async def scenario():
        sub = await ws_user(server, carol, name="subscriber")
        await sub.join(room["id"])
        a = await ws_user(server, alice, name="a")
        b = await ws_user(server, bob, name="b")
        ra, rb = await asyncio.gather(writer(a, "a", "👍"), writer(b, "b", "🎉"))
        expected = {("message", f["id"], f["id"]) for f in ra + rb if f["type"] == "ack"}
        # A repeated react frame answers the current rev: an event already expected, or the seed's
        # own id when it never changed (stored before the subscription: no event).
        expected |= {("message_updated", f["id"], f["rev"]) for f in ra + rb
                     if f["type"] == "updated" and f["rev"] > seeds[-1]["id"]}
        events = []

        def seen():
            return {(f["type"], f["id"], pos(f)) for f in events}

        deadline = asyncio.get_running_loop().time() + 15
        while not expected <= seen():
            left = deadline - asyncio.get_running_loop().time()
            assert left > 0, f"missing: {sorted(expected - seen())}"
            events.append(await sub.recv_until(None, lambda f: f.get("type") in ("message", "message_updated"),
                                               timeout=left))
        await barrier(sub)
        events += [f for f in sub.pending if f.get("type") in ("message", "message_updated")]
        assert_position_order(events, "subscriber")
        # Repeated react frames (same state) send no event: every event is an expected one.
        assert seen() == expected, sorted(seen() - expected)
        for c in (sub, a, b):
            await c.close()
        return events

    events = arun(scenario(), timeout=45)
    last = {}
    for f in events:
        last[f["id"]] = body_of(f)
    hist = {m["id"]: m for m in api.history(carol, room["id"])}
    for mid, state in last.items():
        assert hist[mid] == state
