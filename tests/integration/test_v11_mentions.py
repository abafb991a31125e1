"""v1.1 mentions: the `@username` rule, the `mentions` field, `mention` frames to every connection
of a mentioned member (subscribed or not), edits mentioning only new users."""

import uuid

import pytest

from parley_client import arun, ws_user
from v11_client import (assert_none, barrier, body_of, check_v11_message, delete_ok, edit_ok, get_message,
                        mentions_of, reply_ok, room_with, updated_for, ws_edit)


class Cast:
    """Accounts with names chosen for the rule's edges: bob, bob+"by" (bobby), carol, the
    sender and an outsider who is in no room."""

    def __init__(self, api):
        h = uuid.uuid4().hex[:10]
        self.h = h
        self.sender = api.register(f"snd{h}")
        self.bob = api.register(f"bob{h}")
        self.bobby = api.register(f"bob{h}by")
        self.carol = api.register(f"car{h}")
        self.outsider = api.register(f"out{h}")

    def fill(self, template: str) -> str:
        return template.format(bob=self.bob.username, BOB=self.bob.username.upper(),
                               Bob=self.bob.username.capitalize(), bobby=self.bobby.username,
                               carol=self.carol.username, sender=self.sender.username,
                               outsider=self.outsider.username, h=self.h)


@pytest.fixture(scope="module")
def cast(_module_server):
    return Cast(_module_server.api)


@pytest.fixture
def room(api, cast):
    """A public room of the sender with bob, bobby and carol as members (not the outsider)."""
    return room_with(api, cast.sender, cast.bob, cast.bobby, cast.carol)


RULE_CASES = [
    ("hi @{Bob}.", ["bob"]),
    ("hi @{BOB}", ["bob"]),
    ("@{bob} at the start", ["bob"]),
    ("@{bob}", ["bob"]),
    ("ping @{bob}by", ["bobby"]),
    ("ping @{bob}_x", []),
    ("email@{bob}", []),
    ("x.@{bob}", []),
    ("x-@{bob}", []),
    ("x_@{bob}", []),
    ("9@{bob}", []),
    ("(@{bob})", ["bob"]),
    ("<@{bob}>", ["bob"]),
    ("`@{bob}`", ["bob"]),
    ("@{bob}... ok", ["bob"]),
    ("@{bob}.x", []),
    ("@{bob}-", []),
    ("@{bob}'s turn", ["bob"]),
    ("@{bob}, @{carol}!", ["bob", "carol"]),
    ("@{bob} @{BOB} @{Bob}", ["bob"]),
    ("@@{bob}", ["bob"]),
    ("é@{bob}", ["bob"]),
    ("@{bob}é", ["bob"]),
    ("line one\n@{bob}", ["bob"]),
    ("@{carol}.@{bob}", ["carol"]),
    ("@{sender} talks to themselves", []),
    ("@{sender} and @{bob}", ["bob"]),
    ("@{outsider} is not here", []),
    ("@nobody{h}", []),
    ("{bob} without an at", []),
    ("@ {bob}", []),
    ("@", []),
    ("@{bobby} and @{bob}", ["bob", "bobby"]),
]


@pytest.mark.parametrize("template,who", RULE_CASES)
def test_mention_rule(api, cast, room, template, who):
    body = cast.fill(template)
    expected = sorted(getattr(cast, name).id for name in who)
    m = api.send_ok(cast.sender, room["id"], body)
    check_v11_message(m)
    assert mentions_of(m) == expected, (body, m.get("mentions"))
    assert mentions_of(get_message(api, cast.bob, room["id"], m["id"])) == expected


def test_mentions_absent_or_empty_without_any(api, cast, room):
    m = api.send_ok(cast.sender, room["id"], "no one in particular")
    check_v11_message(m)
    assert m.get("mentions") in (None, []), m


def test_mention_frame_reaches_every_connection_of_the_mentioned_user(server, api, cast, room):
    async def scenario():
        bob_sub = await ws_user(server, cast.bob, name="bob-subscribed")
        bob_idle = await ws_user(server, cast.bob, name="bob-elsewhere")
        carol = await ws_user(server, cast.carol, name="carol")
        sender = await ws_user(server, cast.sender, name="sender")
        sender_other = await ws_user(server, cast.sender, name="sender-other-tab")
        outsider = await ws_user(server, cast.outsider, name="outsider")
        for c in (bob_sub, carol, sender):
            await c.join(room["id"])
        ack = await sender.send_msg(room["id"], cast.fill("hey @{bob}, and @{outsider}"))
        assert ack["type"] == "ack", ack
        stored = None
        for c in (bob_sub, bob_idle):
            f = await c.recv_until("mention", lambda f: f["message"]["id"] == ack["id"])
            assert f["room"] == room["id"], f
            check_v11_message(f["message"])
            assert f["message"]["body"] == cast.fill("hey @{bob}, and @{outsider}")
            assert mentions_of(f["message"]) == [cast.bob.id]
            stored = stored or f["message"]
            assert f["message"] == stored
        live = await bob_sub.recv_until("message", lambda f: f["id"] == ack["id"])
        assert mentions_of(live) == [cast.bob.id]
        # Not mentioned: no frame, whether subscribed, the sender, or not a member.
        for c in (carol, sender, sender_other, outsider, bob_idle, bob_sub):
            await assert_none(c, "mention", wait=0.2, what="for someone not (or no longer) mentioned")
        await assert_none(bob_idle, "message", wait=0.05, what="on a connection not subscribed")
        for c in (bob_sub, bob_idle, carol, sender, sender_other, outsider):
            await c.close()
        return stored

    stored = arun(scenario())
    assert get_message(api, cast.carol, room["id"], stored["id"]) == stored


def test_rest_message_mentions_over_rest_reach_connections(server, api, cast, room):
    async def scenario():
        bob = await ws_user(server, cast.bob, name="bob")
        carol = await ws_user(server, cast.carol, name="carol")
        m = api.send_ok(cast.sender, room["id"], cast.fill("@{carol} @{bob}: lunch?"))
        assert mentions_of(m) == sorted([cast.bob.id, cast.carol.id])
        for c in (bob, carol):
            f = await c.recv_until("mention", lambda f: f["message"]["id"] == m["id"])
            assert f["room"] == room["id"] and f["message"] == m, f
            await assert_none(c, "mention", wait=0.2, what="a second time")
        await bob.close()
        await carol.close()

    arun(scenario())


def test_a_reply_mentions_like_any_message(server, api, cast, room):
    parent = api.send_ok(cast.bob, room["id"], "thread")

    async def scenario():
        carol = await ws_user(server, cast.carol, name="carol")
        r = reply_ok(api, cast.sender, room["id"], cast.fill("@{carol} look"), parent["id"])
        f = await carol.recv_until("mention", lambda f: f["message"]["id"] == r["id"])
        assert f["message"]["reply_to"] == parent["id"] and mentions_of(f["message"]) == [cast.carol.id]
        await carol.close()

    arun(scenario())


def test_private_room_mentions_only_members(server, api, cast):
    priv = room_with(api, cast.sender, cast.bob, private=True)

    async def scenario():
        carol = await ws_user(server, cast.carol, name="carol (not a member)")
        bob = await ws_user(server, cast.bob, name="bob")
        m = api.send_ok(cast.sender, priv["id"], cast.fill("@{carol} @{bob} secret"))
        assert mentions_of(m) == [cast.bob.id]
        await bob.recv_until("mention", lambda f: f["message"]["id"] == m["id"])
        await assert_none(carol, "mention", what="for a non-member of a private room")
        await carol.close()
        await bob.close()

    arun(scenario())


def test_edit_sends_mention_only_to_newly_mentioned_users(server, api, cast, room):
    async def scenario():
        bob = await ws_user(server, cast.bob, name="bob")
        carol = await ws_user(server, cast.carol, name="carol")
        author = await ws_user(server, cast.sender, name="author")
        await author.join(room["id"])
        m = api.send_ok(cast.sender, room["id"], cast.fill("@{bob} hi"))
        await bob.recv_until("mention", lambda f: f["message"]["id"] == m["id"])
        await assert_none(carol, "mention", wait=0.1)

        e1 = edit_ok(api, cast.sender, room["id"], m["id"], cast.fill("@{bob} and @{carol} hi"))
        assert mentions_of(e1) == sorted([cast.bob.id, cast.carol.id]), "mentions recomputed"
        f = await carol.recv_until("mention", lambda f: f["message"]["id"] == m["id"])
        assert f["message"] == e1, "the mention carries the edited message"
        await assert_none(bob, "mention", what="for a user the previous version mentioned already")
        up = await updated_for(author, m["id"], e1["rev"])
        assert mentions_of(up) == mentions_of(e1)

        e2 = edit_ok(api, cast.sender, room["id"], m["id"], cast.fill("only @{carol} now"))
        assert mentions_of(e2) == [cast.carol.id]
        await assert_none(bob, "mention", wait=0.1)
        await assert_none(carol, "mention", wait=0.1)

        # bob was not in the previous version: mentioned again, he hears of it again (over WS).
        reply = await ws_edit(author, room["id"], m["id"], cast.fill("@{carol} and @{bob} again"))
        assert reply["type"] == "updated", reply
        f = await bob.recv_until("mention", lambda f: f["message"]["id"] == m["id"])
        assert mentions_of(f["message"]) == sorted([cast.bob.id, cast.carol.id])
        assert f["message"]["rev"] == reply["rev"]
        await assert_none(carol, "mention", what="for carol, mentioned before too")

        # A no-op edit mentions nobody.
        same = edit_ok(api, cast.sender, room["id"], m["id"], cast.fill("@{carol} and @{bob} again"))
        assert same["rev"] == reply["rev"]
        await assert_none(bob, "mention", wait=0.1)
        await assert_none(carol, "mention", wait=0.1)
        for c in (bob, carol, author):
            await c.close()

    arun(scenario())


def test_delete_drops_mentions_and_sends_no_mention(server, api, cast, room):
    m = api.send_ok(cast.sender, room["id"], cast.fill("@{bob} temporary"))

    async def scenario():
        bob = await ws_user(server, cast.bob, name="bob")
        await bob.join(room["id"])
        delete_ok(api, cast.sender, room["id"], m["id"])
        up = await updated_for(bob, m["id"])
        assert "mentions" not in up, up
        await assert_none(bob, "mention", what="on a delete")
        await bob.close()

    arun(scenario())
    assert "mentions" not in get_message(api, cast.bob, room["id"], m["id"])


def test_mentions_in_history_and_catch_up(server, api, cast, room):
    first = api.send_ok(cast.sender, room["id"], "start")
    m = api.send_ok(cast.sender, room["id"], cast.fill("@{bobby} here"))
    hist = api.history(cast.carol, room["id"])
    assert mentions_of(hist[-1]) == [cast.bobby.id]

    async def scenario():
        c = await ws_user(server, cast.carol)
        j = await c.join(room["id"], since=first["id"])
        assert [x["id"] for x in j["missed"]] == [m["id"]]
        assert mentions_of(j["missed"][0]) == [cast.bobby.id]
        await barrier(c)
        await c.close()

    arun(scenario())


def test_mention_frame_message_matches_message_event(server, api, cast, room):
    async def scenario():
        bob = await ws_user(server, cast.bob, name="bob")
        await bob.join(room["id"])
        m = api.send_ok(cast.sender, room["id"], cast.fill("@{bob}!"))
        ev = await bob.recv_until("message", lambda f: f["id"] == m["id"])
        mention = await bob.recv_until("mention", lambda f: f["message"]["id"] == m["id"])
        assert mention["message"] == body_of(ev) == m
        await bob.close()

    arun(scenario())
