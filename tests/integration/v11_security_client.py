"""Helpers for the v1.1 account-security tests: TOTP (RFC 6238), forged JWTs, sessions, the four
ways of authenticating a WebSocket.

Everything still talks to the real binary over real sockets; the only "inside knowledge" is the
HS256 key, which the tests choose themselves with `--jwt-secret` so that they can sign tokens the
server never issued (future `nbf`, `iat` ahead, missing or wrong `sid`, other algorithms).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import json
import struct
import time
from typing import Any, Optional

import requests
import websockets

from parley_client import (PASSWORD, Api, ParleyServer, RawWs, User, WsClient, arun, assert_error,
                           jwt_parts, raw_ws, unique, ws_connect)

# A key the test servers are started with (`--jwt-secret`), so tests can sign their own tokens.
JWT_SECRET = "v11-security-tests-known-hs256-key-0123456789"
SECRET_FLAGS = ["--jwt-secret", JWT_SECRET]

# The four ways of authenticating a WebSocket (PROTOCOL.md, "WebSocket /ws").
WS_WAYS = ["query", "header", "frame", "subprotocol"]
SUBPROTOCOL = "parley.v1"
BEARER_PREFIX = "parley.bearer."

TOTP_STEP_S = 30
TOTP_DIGITS = 6


# --------------------------------------------------------------------------------------------
# TOTP, RFC 6238 over RFC 4226 HOTP: HMAC-SHA-1, 6 digits, 30 s steps, T0 = 0.


def b32decode(secret: str) -> bytes:
    """Base32 (RFC 4648) as authenticator apps read it: case-insensitive, spaces and padding
    optional."""
    s = secret.replace(" ", "").upper().rstrip("=")
    return base64.b32decode(s + "=" * (-len(s) % 8))


def hotp(key: bytes, counter: int, digits: int = TOTP_DIGITS) -> str:
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % (10 ** digits)).zfill(digits)


def totp_step(t: Optional[float] = None) -> int:
    return int((time.time() if t is None else t) // TOTP_STEP_S)


def totp_at_step(secret_b32: str, step: int, digits: int = TOTP_DIGITS) -> str:
    return hotp(b32decode(secret_b32), step, digits)


def totp(secret_b32: str, t: Optional[float] = None, offset: int = 0) -> str:
    """The code of the step containing `t` (now by default), shifted by `offset` steps."""
    return totp_at_step(secret_b32, totp_step(t) + offset)


def steady_step(min_left_s: float = 4.0) -> int:
    """The current TOTP step, once at least `min_left_s` of it remain (waiting at most that long
    for the next step to begin). Codes computed right after are then current on the server too,
    whose clock is this machine's: this waits on the clock under test, it synchronises nothing."""
    now = time.time()
    left = TOTP_STEP_S - (now % TOTP_STEP_S)
    if left < min_left_s:
        time.sleep(left + 0.05)
    return totp_step()


def wait_for_step(step: int, timeout: float = 35.0):
    """Wait (bounded) until the clock has reached TOTP step `step`, a step change being the
    behaviour under test (codes of the previous step)."""
    deadline = time.monotonic() + timeout
    while totp_step() < step:
        left = (step * TOTP_STEP_S) - time.time()
        if time.monotonic() + max(left, 0) > deadline:
            raise AssertionError(f"TOTP step {step} not reached within {timeout}s")
        time.sleep(max(0.01, min(left + 0.05, 1.0)))


def wrong_code(*right: str) -> str:
    """A 6-digit code different from every code given."""
    for candidate in ("000000", "111111", "123456", "999999"):
        if candidate not in right:
            return candidate
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------------------------
# JWT forging with the known key


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge_jwt(claims: dict, secret: str = JWT_SECRET, alg: str = "HS256",
              header: Optional[dict] = None) -> str:
    """A compact JWS over `claims`, signed with `secret` by `alg` (HS256, HS384, HS512 or none)."""
    head = header if header is not None else {"alg": alg, "typ": "JWT"}
    signing_input = b64url(json.dumps(head, separators=(",", ":")).encode()) + "." + \
        b64url(json.dumps(claims, separators=(",", ":")).encode())
    digests = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
    if alg == "none":
        return signing_input + "."
    mac = hmac.new(secret.encode(), signing_input.encode(), digests[alg]).digest()
    return signing_input + "." + b64url(mac)


def claims_of(token: str) -> dict:
    return jwt_parts(token)[1]


def resign(token: str, secret: str = JWT_SECRET, alg: str = "HS256", drop=(), **changes) -> str:
    """The claims of a token the server issued, changed, signed again with the known key."""
    claims = dict(claims_of(token))
    for k in drop:
        claims.pop(k, None)
    claims.update(changes)
    return forge_jwt(claims, secret, alg)


def sid_of(token: str) -> str:
    return claims_of(token)["sid"]


# --------------------------------------------------------------------------------------------
# REST helpers


def login_ok(api: Api, username: str, password: str = PASSWORD, totp_code: Optional[str] = None,
             user_agent: Optional[str] = None) -> User:
    body: dict = {"username": username, "password": password}
    if totp_code is not None:
        body["totp"] = totp_code
    headers = {"User-Agent": user_agent} if user_agent else None
    r = api.post("/api/auth/login", body, headers=headers)
    assert r.status_code == 200, f"login {username}: {r.status_code} {r.text}"
    return User(username, password, r.json())


def login(api: Api, username: str, password: str = PASSWORD, totp_code: Any = None,
          headers: Optional[dict] = None) -> requests.Response:
    body: dict = {"username": username, "password": password}
    if totp_code is not None:
        body["totp"] = totp_code
    return api.post("/api/auth/login", body, headers=headers)


def sessions(api: Api, token: str) -> list:
    r = api.get("/api/me/sessions", token)
    assert r.status_code == 200, f"GET /api/me/sessions: {r.status_code} {r.text}"
    body = r.json()
    assert isinstance(body, dict) and isinstance(body.get("sessions"), list), body
    return body["sessions"]


def session_ids(api: Api, token: str) -> set:
    return {s["id"] for s in sessions(api, token)}


def end_session(api: Api, token: str, session_id: Any) -> requests.Response:
    return api.delete(f"/api/me/sessions/{session_id}", token)


def refresh(api: Api, refresh_token: str) -> requests.Response:
    return api.post("/api/auth/refresh", {"refresh_token": refresh_token})


def me_status(api: Api, token: str) -> int:
    return api.get("/api/me", token).status_code


def change_password(api: Api, token: str, current: Any, new: Any) -> requests.Response:
    return api.post("/api/me/password", {"current": current, "new": new}, token=token)


def start_totp(api: Api, token: str) -> dict:
    r = api.post("/api/me/totp", token=token)
    assert r.status_code == 200, f"POST /api/me/totp: {r.status_code} {r.text}"
    return r.json()


def confirm_totp(api: Api, token: str, code: Any) -> requests.Response:
    return api.post("/api/me/totp/confirm", {"code": code}, token=token)


def disable_totp(api: Api, token: str, code: Any) -> requests.Response:
    return api.req("DELETE", "/api/me/totp", token, json_body={"code": code})


def enable_totp(api: Api, user: User, offset: int = 0) -> tuple:
    """Enrol and confirm with the code of the current step (+ offset): (secret, recovery codes,
    the step whose code confirmed). Call after steady_step()."""
    secret = start_totp(api, user.access)["secret"]
    step = totp_step() + offset
    r = confirm_totp(api, user.access, totp_at_step(secret, step))
    assert r.status_code == 200, f"confirm TOTP: {r.status_code} {r.text}"
    return secret, r.json()["recovery_codes"], step


def deactivate(api: Api, admin: User, user_id: Any) -> requests.Response:
    return api.post(f"/api/admin/users/{user_id}/deactivate", token=admin.access)


def reactivate(api: Api, admin: User, user_id: Any) -> requests.Response:
    return api.post(f"/api/admin/users/{user_id}/reactivate", token=admin.access)


def new_user(api: Api, user_agent: Optional[str] = None) -> User:
    """Register (its session is the first) with an optional User-Agent."""
    name = unique()
    headers = {"User-Agent": user_agent} if user_agent else None
    r = api.post("/api/auth/register", {"username": name, "password": PASSWORD}, headers=headers)
    assert r.status_code == 201, f"register {name}: {r.status_code} {r.text}"
    return User(name, PASSWORD, r.json())


# --------------------------------------------------------------------------------------------
# WebSocket: the four ways


def bearer_protocols(token: str) -> list:
    return [SUBPROTOCOL, BEARER_PREFIX + token]


async def ws_open(server: ParleyServer, token: str, how: str, name: str = "") -> WsClient:
    """An authenticated connection, ready when this returns (auth frame answered, or a ping got
    its pong), by one of WS_WAYS."""
    if how != "subprotocol":
        return await ws_connect(server, token, how=how, name=name or how)
    ws = await websockets.connect(server.ws_url(), subprotocols=bearer_protocols(token),
                                  ping_interval=None, max_size=None, open_timeout=5,
                                  close_timeout=2, max_queue=None)
    client = WsClient(ws, name or how)
    assert ws.subprotocol == SUBPROTOCOL, f"selected subprotocol {ws.subprotocol!r}"
    pong = await client.request({"type": "ping"})
    assert pong["type"] == "pong", f"first ping: {pong}"
    return client


async def ws_all_ways(server: ParleyServer, token: str, prefix: str = "") -> dict:
    return {how: await ws_open(server, token, how, name=f"{prefix}{how}") for how in WS_WAYS}


async def assert_closed_4001(clients, timeout: float = 5.0):
    """Every client is closed by the server with 4001 within the deadline."""
    items = clients.items() if isinstance(clients, dict) else enumerate(clients)
    for name, c in items:
        code = await c.closed_code(timeout)
        assert code == 4001, f"{name}: close code {code}, expected 4001 (frames: {c.pending[-5:]})"


async def assert_open(clients):
    """Every client still answers a ping (so it was not closed with the others)."""
    items = clients.items() if isinstance(clients, dict) else enumerate(clients)
    for name, c in items:
        reply = await c.request({"type": "ping"})
        assert reply["type"] == "pong", f"{name}: {reply}"


async def close_all(clients):
    for c in (clients.values() if isinstance(clients, dict) else clients):
        await c.close()


def upgrade_status(server: ParleyServer, token: str, how: str) -> int:
    """HTTP status of an upgrade carrying `token` by query, header or subprotocol (raw client)."""
    c = RawWs(server)
    try:
        if how == "query":
            return c.handshake("/ws?token=" + requests.utils.quote(token, safe=""))
        if how == "header":
            return c.handshake("/ws", {"Authorization": f"Bearer {token}"})
        if how == "subprotocol":
            return c.handshake("/ws", {"Sec-WebSocket-Protocol": ", ".join(bearer_protocols(token))})
        raise ValueError(how)
    finally:
        c.close()


def auth_frame_refused(server: ParleyServer, token: str) -> bool:
    """An `auth` frame with `token` gets an `unauthorized` error and close 4001."""
    c = raw_ws(server)
    try:
        c.send_text({"type": "auth", "token": token})
        f = c.read_json(timeout=5)
        assert f["type"] == "error" and f["code"] == "unauthorized", f
        code, _ = c.read_close(timeout=5)
        assert code == 4001, f"close code {code}"
        return True
    finally:
        c.close()


def token_refused_everywhere(server: ParleyServer, token: str):
    """REST 401, upgrade 401 by query/header/subprotocol, auth frame error + 4001."""
    assert_error(server.api.get("/api/me", token), 401, "unauthorized")
    for how in ("query", "header", "subprotocol"):
        assert upgrade_status(server, token, how) == 401, f"upgrade by {how} was not refused"
    auth_frame_refused(server, token)


def token_accepted_everywhere(server: ParleyServer, token: str):
    """The converse: REST 200 and a working WebSocket by each of the four ways."""
    r = server.api.get("/api/me", token)
    assert r.status_code == 200, f"/api/me: {r.status_code} {r.text}"

    async def scenario():
        clients = await ws_all_ways(server, token)
        await assert_open(clients)
        await close_all(clients)

    arun(scenario())


class HeadRawWs(RawWs):
    """RawWs that keeps the whole response head (status line and every header line, duplicates
    included), to check precisely what the server answered on the upgrade."""

    def handshake(self, path: str = "/ws", headers: Optional[dict] = None, version: str = "13",
                  key: Optional[str] = None, timeout: float = 5.0,
                  extra_lines: tuple = ()) -> int:
        key = key or base64.b64encode(os.urandom(16)).decode()
        h = {"Host": f"127.0.0.1:{self.server.port}", "Upgrade": "websocket",
             "Connection": "Upgrade", "Sec-WebSocket-Key": key, "Sec-WebSocket-Version": version}
        for k, v in (headers or {}).items():
            if v is None:
                h.pop(k, None)
            else:
                h[k] = v
        lines = [f"{k}: {v}" for k, v in h.items()] + list(extra_lines)
        self.sock.sendall((f"GET {path} HTTP/1.1\r\n" + "".join(l + "\r\n" for l in lines)
                           + "\r\n").encode())
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self.buf:
            self._fill(deadline)
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        self.head = head.decode("latin-1")
        status_line, *header_lines = self.head.split("\r\n")
        self.status = int(status_line.split()[1])
        self.header_list = []
        for line in header_lines:
            k, _, v = line.partition(":")
            self.header_list.append((k.strip().lower(), v.strip()))
        self.headers = dict(self.header_list)
        self.body = b""
        if self.status != 101:
            n = int(self.headers.get("content-length", "0") or 0)
            try:
                while len(self.buf) < n:
                    self._fill(deadline)
            except Exception:  # the body is only for diagnostics
                pass
            self.body = self.buf[:n]
        return self.status

    def values(self, name: str) -> list:
        return [v for k, v in self.header_list if k == name.lower()]


def head_upgrade(server: ParleyServer, protocols: Optional[str], path: str = "/ws",
                 headers: Optional[dict] = None) -> HeadRawWs:
    """A raw upgrade offering `protocols` as one Sec-WebSocket-Protocol header (None: none)."""
    c = HeadRawWs(server)
    h = dict(headers or {})
    if protocols is not None:
        h["Sec-WebSocket-Protocol"] = protocols
    c.handshake(path, h)
    return c
