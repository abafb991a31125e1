"""v1.1 WebSocket authentication way 4: the token in the subprotocol list
(`Sec-WebSocket-Protocol: parley.v1, parley.bearer.<token>`). The server selects `parley.v1`
exactly and never echoes the entry carrying the token; a missing, invalid or expired token there
refuses the upgrade with 401; `parley.v1` alone then an `auth` frame works."""

import asyncio
import json
import time

import pytest
import websockets

from parley_client import OP_BIN, RawClosed, arun, check_user_shape, ws_user
from v11_security_client import (BEARER_PREFIX, SECRET_FLAGS, SUBPROTOCOL, bearer_protocols,
                                 head_upgrade, new_user, resign, ws_open)

SERVER_FLAGS = SECRET_FLAGS


def offer(token: str) -> str:
    return ", ".join(bearer_protocols(token))


def assert_no_token_in_head(c, token: str):
    assert token not in c.head, f"token echoed in the response head:\n{c.head}"
    signature = token.rsplit(".", 1)[-1]
    assert not signature or signature not in c.head, c.head
    assert "parley.bearer" not in c.head.lower(), f"bearer entry echoed:\n{c.head}"
    assert token.encode() not in c.body


def authed_over_raw(c):
    """The raw connection is authenticated without any auth frame: a ping is answered (an
    unauthenticated connection refuses it with `unauthorized`)."""
    c.send_text({"type": "ping", "ref": "p1"})
    f = c.read_json(timeout=5)
    assert f["type"] == "pong", f


# -- with the websockets library (what a browser does) -------------------------------------------


def test_subprotocol_authenticates_and_selects_parley_v1(server, api, alice):
    u = new_user(api)
    room = api.create_room(alice)

    async def scenario():
        ws = await websockets.connect(server.ws_url(), subprotocols=bearer_protocols(u.access),
                                      ping_interval=None, open_timeout=5, close_timeout=2)
        try:
            assert ws.subprotocol == SUBPROTOCOL
            assert ws.response_headers.get_all("Sec-WebSocket-Protocol") == [SUBPROTOCOL]
        finally:
            await ws.close()
        c = await ws_open(server, u.access, "subprotocol", name="sub")
        joined = await c.join(room["id"])
        assert joined["room"]["id"] == room["id"]
        ack = await c.send_msg(room["id"], "hello by subprotocol")
        assert ack["type"] == "ack", ack
        msg = await c.recv_until("message", lambda m: m["id"] == ack["id"])
        assert (msg["from"]["id"], msg["from"]["username"]) == (u.id, u.username), msg
        await c.close()

    arun(scenario())
    history = api.history(alice, room["id"])
    assert [(m["from"]["id"], m["body"]) for m in history] == [(u.id, "hello by subprotocol")]


def test_live_delivery_to_a_subprotocol_connection(server, api, alice, bob):
    room = api.create_room(alice)
    assert api.join_room(bob, room["id"]).status_code == 200

    async def scenario():
        listener = await ws_open(server, bob.access, "subprotocol", name="bob")
        await listener.join(room["id"])
        sender = await ws_user(server, alice, how="frame")
        ack = await sender.send_msg(room["id"], "to the subprotocol client")
        msg = await listener.recv_until("message", lambda m: m["id"] == ack["id"])
        assert msg["body"] == "to the subprotocol client"
        await sender.close()
        await listener.close()

    arun(scenario())


def test_bad_token_refuses_the_upgrade_for_the_library(server):
    async def scenario():
        with pytest.raises(websockets.exceptions.InvalidStatusCode) as info:
            await websockets.connect(server.ws_url(), subprotocols=bearer_protocols("garbage"),
                                     ping_interval=None, open_timeout=5)
        assert info.value.status_code == 401

    arun(scenario())


# -- raw handshake: the exact response ---------------------------------------------------------


def test_raw_handshake_selects_exactly_parley_v1(server, api):
    u = new_user(api)
    c = head_upgrade(server, offer(u.access))
    try:
        assert c.status == 101, c.head
        assert c.values("Sec-WebSocket-Protocol") == [SUBPROTOCOL], c.head
        assert_no_token_in_head(c, u.access)
        authed_over_raw(c)
    finally:
        c.close()


@pytest.mark.parametrize("template", [
    "{bearer}, parley.v1",
    "parley.v1,{bearer}",
    "parley.v1 ,   {bearer}",
    "chat, parley.v1, {bearer}",
    "{bearer}, chat, parley.v1",
])
def test_order_and_spacing_of_the_list_do_not_matter(server, api, template):
    u = new_user(api)
    c = head_upgrade(server, template.format(bearer=BEARER_PREFIX + u.access))
    try:
        assert c.status == 101, c.head
        assert c.values("Sec-WebSocket-Protocol") == [SUBPROTOCOL], c.head
        assert_no_token_in_head(c, u.access)
        authed_over_raw(c)
    finally:
        c.close()


def test_parley_v1_alone_then_an_auth_frame(server, api):
    u = new_user(api)
    c = head_upgrade(server, SUBPROTOCOL)
    try:
        assert c.status == 101, c.head
        assert c.values("Sec-WebSocket-Protocol") == [SUBPROTOCOL], c.head
        # Not authenticated yet: the v1 auth frame does it.
        c.send_text({"type": "auth", "token": u.access})
        f = c.read_json(timeout=5)
        assert f["type"] == "authed", f
        check_user_shape(f["user"])
        assert f["user"]["id"] == u.id
        c.send_text({"type": "ping"})
        assert c.read_json(timeout=5)["type"] == "pong"
    finally:
        c.close()


def test_parley_v1_alone_is_not_authenticated(server, api, alice):
    room = api.create_room(alice)
    c = head_upgrade(server, SUBPROTOCOL)
    try:
        assert c.status == 101, c.head
        c.send_text({"type": "send", "room": room["id"], "body": "sneaky"})
        try:
            f = c.read_json(timeout=5)
            assert f["type"] == "error" and f["code"] == "unauthorized", f
        except RawClosed as exc:
            assert "4001" in str(exc), exc
    finally:
        c.close()
    assert api.history(alice, room["id"]) == []


def test_parley_v1_alone_with_the_library(server, api):
    u = new_user(api)

    async def scenario():
        c = await ws_open(server, u.access, "frame", name="frame")  # baseline, no subprotocol
        await c.close()
        ws = await websockets.connect(server.ws_url(), subprotocols=[SUBPROTOCOL],
                                      ping_interval=None, open_timeout=5, close_timeout=2)
        try:
            assert ws.subprotocol == SUBPROTOCOL
            await ws.send(json.dumps({"type": "auth", "token": u.access}))
            reply = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert reply["type"] == "authed" and reply["user"]["id"] == u.id, reply
        finally:
            await ws.close()

    arun(scenario())


def test_no_subprotocol_offered_none_selected(server, api):
    u = new_user(api)
    c = head_upgrade(server, None, path=f"/ws?token={u.access}")
    try:
        assert c.status == 101, c.head
        assert c.values("Sec-WebSocket-Protocol") == [], c.head
        authed_over_raw(c)
    finally:
        c.close()


# -- refusals -----------------------------------------------------------------------------------


def expired(token: str) -> str:
    t = int(time.time())
    return resign(token, iat=t - 1000, exp=t - 1)


REFUSED = {
    "garbage": lambda u: "garbage",
    "three-parts": lambda u: "a.b.c",
    "empty": lambda u: "",
    "tampered": lambda u: u.access[:-4] + ("AAAA" if not u.access.endswith("AAAA") else "BBBB"),
    "expired": lambda u: expired(u.access),
    "refresh-token": lambda u: u.refresh,
    "unsigned": lambda u: resign(u.access, alg="none"),
    "other-key": lambda u: resign(u.access, secret="not-the-server-key"),
    "future-nbf": lambda u: resign(u.access, nbf=int(time.time()) + 600),
    "long": lambda u: "A" * 3000,
}


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_bad_token_in_the_list_refuses_the_upgrade_with_401(server, api, kind):
    u = new_user(api)
    token = REFUSED[kind](u)
    c = head_upgrade(server, offer(token))
    try:
        assert c.status == 401, f"{kind}: {c.status}\n{c.head}"
        if token:
            assert token not in c.head
            assert token.encode() not in c.body
    finally:
        c.close()
    # The good token right after works: nothing was disturbed.
    c = head_upgrade(server, offer(u.access))
    try:
        assert c.status == 101, c.head
    finally:
        c.close()


def test_refused_upgrade_is_a_contract_error(server):
    c = head_upgrade(server, offer("garbage"))
    try:
        assert c.status == 401
        if c.body:
            body = json.loads(c.body)
            assert body["error"]["code"] == "unauthorized", body
    finally:
        c.close()


def test_origin_allow_list_applies_with_the_subprotocol(server, api):
    u = new_user(api)
    c = head_upgrade(server, offer(u.access), headers={"Origin": "http://evil.example"})
    try:
        assert c.status == 403, c.head
        assert_no_token_in_head(c, u.access)
    finally:
        c.close()
    same = f"http://127.0.0.1:{server.port}"
    c = head_upgrade(server, offer(u.access), headers={"Origin": same})
    try:
        assert c.status == 101, c.head
        assert c.values("Sec-WebSocket-Protocol") == [SUBPROTOCOL]
    finally:
        c.close()


def test_subprotocol_frames_and_limits_behave_as_v1(server, api):
    # A subprotocol connection is an ordinary connection once open: binary frames close 1003.
    u = new_user(api)
    c = head_upgrade(server, offer(u.access))
    try:
        assert c.status == 101
        authed_over_raw(c)
        c.send_frame(OP_BIN, b"\x00\x01")
        code, _ = c.read_close(timeout=5)
        assert code == 1003, code
    finally:
        c.close()


def test_token_never_written_to_the_log(server_factory):
    srv = server_factory(SECRET_FLAGS, log_level="debug")
    u = new_user(srv.api)
    c = head_upgrade(srv, offer(u.access))
    try:
        assert c.status == 101, c.head
        authed_over_raw(c)
    finally:
        c.close()
    bad = resign(u.access, nbf=int(time.time()) + 600)
    c = head_upgrade(srv, offer(bad))
    try:
        assert c.status == 401
    finally:
        c.close()
    srv.stop()
    log = srv.log_text()
    for token in (u.access, bad):
        signature = token.rsplit(".", 1)[-1]
        assert token not in log and signature not in log, "a token was written to the log"
