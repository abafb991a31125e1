"""WebSocket authentication: query token, Authorization header, auth frame, refusals, timeout."""

import asyncio
import time

import pytest
import websockets

from parley_client import (RawClosed, RawWs, arun, check_user_shape, raw_ws, ws_connect)


@pytest.mark.parametrize("how", ["query", "header"])
def test_token_on_upgrade(server, api, alice, how):
    room = api.create_room(alice)

    async def scenario():
        c = await ws_connect(server, alice.access, how=how)
        assert (await c.request({"type": "ping"}))["type"] == "pong"
        joined = await c.join(room["id"])
        assert joined["room"]["id"] == room["id"]
        await c.close()

    arun(scenario())


def test_auth_frame(server, api, alice):
    room = api.create_room(alice)

    async def scenario():
        c = await ws_connect(server, how="none")
        await c.send({"type": "auth", "token": alice.access, "ref": "a1"})
        reply = await c.recv(timeout=5)
        assert reply["type"] == "authed", reply
        check_user_shape(reply["user"])
        assert reply["user"]["id"] == alice.id and reply["user"]["username"] == alice.username
        assert reply.get("ref") in (None, "a1")
        joined = await c.join(room["id"])
        assert joined["room"]["id"] == room["id"]
        await c.close()

    arun(scenario())


@pytest.mark.parametrize("token", ["garbage", "a.b.c", ""])
@pytest.mark.parametrize("how", ["query", "header"])
def test_bad_token_on_upgrade_refused_with_401(server, alice, token, how):
    if how == "query" and token == "":
        token = "x"
    c = RawWs(server)
    try:
        headers = {"Authorization": f"Bearer {token}"} if how == "header" else None
        path = f"/ws?token={token}" if how == "query" else "/ws"
        assert c.handshake(path, headers) == 401
    finally:
        c.close()


def test_tampered_token_on_upgrade_refused(server, alice):
    h, p, s = alice.access.split(".")
    bad = f"{h}.{p}.{s[:-4]}AAAA" if not s.endswith("AAAA") else f"{h}.{p}.{s[:-4]}BBBB"
    c = RawWs(server)
    try:
        assert c.handshake(f"/ws?token={bad}") == 401
    finally:
        c.close()
    with pytest.raises(websockets.exceptions.InvalidStatusCode) as info:
        arun(ws_connect(server, bad, how="header"))
    assert info.value.status_code == 401


@pytest.mark.parametrize("frame", [
    {"type": "auth", "token": "garbage"},
    {"type": "auth"},
    {"type": "auth", "token": 42},
])
def test_bad_auth_frame_gets_error_and_4001(server, frame):
    c = raw_ws(server)
    try:
        c.send_text(frame)
        f = c.read_json(timeout=5)
        assert f["type"] == "error" and f["code"] in ("unauthorized", "bad_request"), f
        code, _ = c.read_close(timeout=5)
        assert code == 4001
    finally:
        c.close()


def test_refresh_token_in_auth_frame_is_refused(server, alice):
    c = raw_ws(server)
    try:
        c.send_text({"type": "auth", "token": alice.refresh})
        f = c.read_json(timeout=5)
        assert f["type"] == "error" and f["code"] == "unauthorized", f
        code, _ = c.read_close(timeout=5)
        assert code == 4001
    finally:
        c.close()


def test_frames_before_auth_are_refused(server, api, alice):
    room = api.create_room(alice)
    c = raw_ws(server)
    try:
        c.send_text({"type": "send", "room": room["id"], "body": "sneaky"})
        try:
            f = c.read_json(timeout=5)
            assert f["type"] == "error" and f["code"] == "unauthorized", f
        except RawClosed as exc:
            assert "4001" in str(exc), exc
    finally:
        c.close()
    assert api.history(alice, room["id"]) == []


def test_auth_timeout_closes(server_factory):
    srv = server_factory(["--ws-auth-timeout-ms", "300"])
    c = raw_ws(srv)
    try:
        t0 = time.monotonic()
        code, _ = c.read_close(timeout=5)
        elapsed = time.monotonic() - t0
        assert elapsed < 4, f"auth timeout took {elapsed:.1f}s"
        assert code in (4001, 1008, 1000, 1001, None), code
    finally:
        c.close()
    # An authenticated connection on the same server is not closed by the auth timer.
    u = srv.api.register()

    async def scenario():
        c2 = await ws_connect(srv, u.access, how="frame")
        # Outlive the auth deadline (a duration under test, not a synchronisation).
        await asyncio.sleep(0.8)
        assert (await c2.request({"type": "ping"}))["type"] == "pong"
        await c2.close()

    arun(scenario())


@pytest.mark.parametrize("how", ["query", "header", "frame"])
def test_frames_pipelined_right_after_auth_are_all_served(server_factory, how):
    """A client may send at once after the upgrade (or its auth frame): nothing is refused.
    A fresh server with one worker and several clients at once, so that authentication is slow."""
    server = server_factory(["--workers", "1"])
    alice = server.api.register()
    n = 200

    async def one(k):
        c = await ws_connect(server, alice.access, how=how, authed=False, name=f"c{k}")
        frames = []
        if how == "frame":
            frames.append({"type": "auth", "token": alice.access})
        frames += [{"type": "ping", "ref": f"p{i}"} for i in range(n)]
        for f in frames:  # back to back, before reading anything
            await c.send(f)
        if how == "frame":
            f = await c.recv(timeout=5)
            assert f["type"] == "authed", f"c{k}: first reply {f}"
        for i in range(n):
            f = await c.recv(timeout=5)
            assert (f["type"], f.get("ref")) == ("pong", f"p{i}"), f"c{k}, frame {i}: {f}"
        await c.close()

    async def scenario():
        await asyncio.gather(*(one(k) for k in range(6)))

    arun(scenario())
