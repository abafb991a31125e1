"""Logs: JSON lines on stdout, one per request and per connection event, and never a secret."""

import json
import re

import pytest
import requests

from parley_client import PASSWORD, RawWs, arun, unique, wait_for, ws_connect
from v11_security_client import (disable_totp, enable_totp, start_totp, steady_step, totp_at_step,
                                 wrong_code)
from v11_security_client import login as login_with_code

JWT_SECRET = "jwt-secret-that-must-never-be-logged-0123456789abcdef"
API_KEY = "api-key-that-must-never-be-logged-42"
ACCESS_CODE = "access-code-never-logged-7"


def log_lines(srv) -> list:
    lines = []
    for line in srv.log_text().splitlines():
        line = line.strip()
        if line:
            lines.append(json.loads(line))  # every line is one JSON object
    return lines


@pytest.mark.timeout_s(90)
def test_no_secret_ever_appears_in_the_logs_of_a_session_that_used_them_all(server_factory):
    srv = server_factory(["--jwt-secret", JWT_SECRET, "--api-key", f"ops={API_KEY}"],
                         log_level="debug")
    api = srv.api
    secrets = {"JWT secret": JWT_SECRET, "API key": API_KEY, "access code": ACCESS_CODE,
               "password": PASSWORD}

    u = api.register()
    other = api.register()
    wrong_password = "wrong-password-also-secret-" + unique("p")
    secrets["failed password"] = wrong_password
    assert api.login(u.username, wrong_password).status_code == 401
    login = api.login(u.username)
    assert login.status_code == 200
    secrets["login access token"] = login.json()["access_token"]
    secrets["login refresh token"] = login.json()["refresh_token"]
    r = api.post("/api/auth/refresh", {"refresh_token": u.refresh})
    assert r.status_code == 200
    secrets["access token"] = u.access
    secrets["refresh token"] = u.refresh
    secrets["rotated refresh token"] = r.json()["refresh_token"]
    secrets["rotated access token"] = r.json()["access_token"]

    room = api.create_room(u, private=True, access_code=ACCESS_CODE)
    assert api.join_room(other, room["id"], access_code="wrong-" + ACCESS_CODE).status_code in (403, 404)
    secrets["wrong access code"] = "wrong-" + ACCESS_CODE
    assert api.join_room(other, room["id"], access_code=ACCESS_CODE).status_code == 200
    # The token in a REST query string and a bad bearer token.
    api.get(f"/api/me?token={u.access}")
    api.get("/api/me", "Bearer-garbage-" + u.access[:20])

    async def sockets():
        for how in ("query", "header", "frame"):
            c = await ws_connect(srv, u.access, how=how)
            await c.join(room["id"])
            await c.send_msg(room["id"], "hello " + how, client_id=unique("c"))
            await c.close()
        bad = await ws_connect(srv, None, how="none", authed=False)
        await bad.send({"type": "auth", "token": u.access + "tampered"})
        await bad.closed_code(timeout=5)

    arun(sockets(), timeout=40)
    raw = RawWs(srv)
    raw.handshake(f"/ws?token={u.access}x")  # refused upgrade with a token in the URL
    raw.close()
    for key in (API_KEY, "not-" + API_KEY):
        requests.post(srv.url("/api/publish"), json={"room": room["id"], "event": "e", "data": {}},
                      headers={"Authorization": f"Bearer {key}"}, timeout=5)
    secrets["wrong API key"] = "not-" + API_KEY
    # Reuse of a rotated token: last of u's first session, since it ends that session.
    api.post("/api/auth/refresh", {"refresh_token": u.refresh})  # reuse of a rotated token
    api.post("/api/auth/logout", {"refresh_token": secrets["login refresh token"]})
    # Two-factor: enrolment (secret, otpauth URI), confirmation, logins with a right and a wrong
    # code and with a recovery code, a refused turning off.
    t = api.register()
    steady_step()
    enrolment = start_totp(api, t.access)
    secrets["TOTP secret"] = enrolment["secret"].rstrip("=")
    secrets["otpauth URI"] = enrolment["otpauth_uri"]
    secret, recovery, step = enable_totp(api, t)  # a second enrolment, confirmed
    secrets["confirmed TOTP secret"] = secret.rstrip("=")
    codes = {"confirming TOTP code": totp_at_step(secret, step)}
    codes["wrong TOTP code"] = wrong_code(codes["confirming TOTP code"])
    assert login_with_code(api, t.username, totp_code=codes["wrong TOTP code"]).status_code == 401
    codes["login TOTP code"] = totp_at_step(secret, step + 1)
    assert login_with_code(api, t.username, totp_code=codes["login TOTP code"]).status_code == 200
    r = login_with_code(api, t.username, totp_code=recovery[0])
    assert r.status_code == 200, r.text
    assert disable_totp(api, t.access, "999998").status_code == 401
    secrets.update({f"recovery code {i}": c for i, c in enumerate(recovery)})

    wait_for(lambda: '"route":"/api/auth/logout"' in srv.log_text(), 5, "the last request's line")
    text = srv.log_text()
    leaked = [what for what, value in secrets.items() if value in text]
    # Six digits may occur by chance inside a longer number; a code standing alone may not.
    leaked += [what for what, code in codes.items()
               if re.search(rf"(?<!\d){code}(?!\d)", text)]
    assert not leaked, f"written to the log: {leaked}"
    # A JWT's signature alone must not appear either (a token cut at a dot).
    for what in ("access token", "rotated access token", "login access token"):
        assert secrets[what].split(".")[2] not in text, f"{what} signature in the log"


def test_one_line_per_request_and_per_connection_event(server_factory):
    srv = server_factory([], log_level="info")
    api = srv.api
    u = api.register()
    room = api.create_room(u)
    api.get(f"/api/rooms/{room['id']}", u.access, headers={"X-Request-Id": "rid-room-1"})

    async def one():
        c = await ws_connect(srv, u.access, how="frame")
        await c.join(room["id"])
        await c.close()

    arun(one())
    wait_for(lambda: '"msg":"ws close"' in srv.log_text(), 5, "the close line")
    lines = log_lines(srv)
    for line in lines:
        assert {"ts", "level", "msg"} <= line.keys(), line
    requests_ = [l for l in lines if l["msg"] == "request"]
    room_line = next(l for l in requests_ if l.get("request_id") == "rid-room-1")
    assert room_line["method"] == "GET" and room_line["route"] == "/api/rooms/{id}"
    assert room_line["status"] == 200 and isinstance(room_line["duration_us"], int)
    assert room_line["level"] == "info"  # successful requests are logged at info, not debug
    upgrade = next(l for l in requests_ if l["route"] == "/ws")
    assert upgrade["status"] == 101
    opened = next(l for l in lines if l["msg"] == "ws open")
    assert opened["request_id"] == upgrade["request_id"] and opened["client"] == "127.0.0.1"
    auth = next(l for l in lines if l["msg"] == "ws auth")
    assert auth["connection"] == opened["connection"] and auth["via"] == "frame"
    assert auth["user_id"] == u.id
    closed = next(l for l in lines if l["msg"] == "ws close")
    assert closed["connection"] == opened["connection"] and closed["code"] == 1000
    assert isinstance(closed["duration_ms"], int) and closed["duration_ms"] >= 0
    # Exactly one line per request: the three REST requests of this test and the upgrade.
    rids = [l["request_id"] for l in requests_]
    assert len(rids) == len(set(rids))


def test_log_level_flag_filters(server_factory):
    srv = server_factory([], log_level="warn")
    srv.api.register()
    srv.api.get("/healthz")
    assert '"msg":"request"' not in srv.log_text()
