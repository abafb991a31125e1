"""Black-box helpers for the Parley integration tests: process control, REST, WebSocket clients.

Everything here talks to the real `parley` binary over real sockets on 127.0.0.1; nothing is
mocked. Every wait is bounded by a deadline so that a misbehaving server fails a test instead of
hanging it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import re
import signal
import socket
import struct
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import requests
import websockets

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO_ROOT / "build" / "parley"
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
HTTP_TIMEOUT = 15.0
PASSWORD = "correct-horse-battery"

_UNSET = object()


def binary_path() -> Path:
    """The server under test: $PARLEY_BIN, else build/parley of the repository."""
    env = os.environ.get("PARLEY_BIN")
    return Path(env).resolve() if env else DEFAULT_BIN


def extra_flags(data_dir: Path) -> list:
    """$PARLEY_EXTRA_FLAGS (split on spaces), added to every server start. A `{db}` in them names
    a database of this data directory (the same one on a restart), created with `createdb` on
    first use: e.g. `--database postgres://parley@127.0.0.1:PORT/{db}` with PGHOST/PGPORT/PGUSER
    set for createdb (tests/integration/run_on_postgres.sh)."""
    flags = os.environ.get("PARLEY_EXTRA_FLAGS", "").split()
    if any("{db}" in f for f in flags):
        db = "p" + hashlib.sha1(str(Path(data_dir).resolve()).encode()).hexdigest()[:24]
        createdb = os.environ.get("PARLEY_CREATEDB", "/usr/lib/postgresql/15/bin/createdb")
        r = subprocess.run([createdb, db], capture_output=True, text=True, timeout=30)
        if r.returncode != 0 and "already exists" not in r.stderr:
            raise AssertionError(f"createdb {db} failed: {r.stderr}")
        flags = [f.replace("{db}", db) for f in flags]
    return flags


def unique(prefix: str = "u") -> str:
    """A short unique name usable as a username (3-32 of [A-Za-z0-9_.-])."""
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


class Fatal(AssertionError):
    """Raised by a wait_for condition to stop waiting at once (e.g. the process exited)."""


def wait_for(cond: Callable[[], Any], timeout: float, what: str, interval: float = 0.02) -> Any:
    """Poll `cond` until it returns a truthy value or the deadline passes (then AssertionError)."""
    deadline = time.monotonic() + timeout
    last_exc: Optional[BaseException] = None
    while True:
        try:
            value = cond()
            if value:
                return value
        except Fatal:
            raise
        except Exception as exc:  # the condition may raise while the server is still starting
            last_exc = exc
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what} (last error: {last_exc!r})")
        time.sleep(interval)


# --------------------------------------------------------------------------------------------
# Process control


class ParleyServer:
    """One running `parley` process on an ephemeral port with its own data directory."""

    def __init__(self, workdir: Path, flags: Iterable[str] = (), data_dir: Optional[Path] = None,
                 env: Optional[dict] = None, log_level: str = "warn"):
        self.log_level = log_level
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.data_dir = Path(data_dir) if data_dir else self.workdir / "data"
        self.flags = list(flags)
        self.env = env
        self.proc: Optional[subprocess.Popen] = None
        self.port: Optional[int] = None
        self.stopping = False
        self.admin: Optional[User] = None
        self._log_path: Optional[Path] = None

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self, timeout: float = 20.0) -> "ParleyServer":
        binary = binary_path()
        if not binary.exists():
            raise AssertionError(f"server binary not found: {binary} (set PARLEY_BIN)")
        port_file = self.workdir / f"port-{uuid.uuid4().hex[:8]}"
        self._log_path = self.workdir / f"server-{uuid.uuid4().hex[:8]}.log"
        args = [str(binary), "--listen", "127.0.0.1:0", "--port-file", str(port_file),
                "--data-dir", str(self.data_dir),
                *(["--log-level", self.log_level] if self.log_level else []), *self.flags,
                *extra_flags(self.data_dir)]
        self.args = args
        env = dict(os.environ)
        env.update(self.env or {})
        log = open(self._log_path, "wb")
        self.proc = subprocess.Popen(args, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env)
        log.close()
        self.stopping = False

        def port_ready():
            if self.proc.poll() is not None:
                raise Fatal(f"server exited during startup with {describe_rc(self.proc.returncode)}")
            if not port_file.exists():
                return None
            text = port_file.read_text().strip()
            return int(text) if text.isdigit() and int(text) > 0 else None

        try:
            self.port = wait_for(port_ready, timeout, "the port file")
        except AssertionError as exc:
            self.kill()
            raise AssertionError(f"{exc}\nargs: {args}\n{self.log_tail()}") from None

        def healthy():
            if self.proc.poll() is not None:
                raise Fatal(f"server exited during startup with {describe_rc(self.proc.returncode)}")
            # A TLS server's certificate is the test's own, self-signed.
            return requests.get(self.url("/healthz"), timeout=2,
                                verify=not self.tls).status_code == 200

        try:
            wait_for(healthy, timeout, "GET /healthz")
        except AssertionError as exc:
            self.kill()
            raise AssertionError(f"{exc}\n{self.log_tail()}") from None
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def check_alive(self):
        """Fail when the process died (crash) while it was supposed to serve."""
        if self.proc is None:
            return
        rc = self.proc.poll()
        if rc is not None and not self.stopping:
            raise AssertionError(f"server died unexpectedly: {describe_rc(rc)}\n{self.log_tail()}")

    def terminate(self, timeout: float = 10.0) -> int:
        """SIGTERM and wait; SIGKILL after the deadline. Returns the exit status (Popen style)."""
        if self.proc is None:
            return 0
        self.check_alive()
        self.stopping = True
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                raise AssertionError(f"server did not exit within {timeout}s of SIGTERM\n{self.log_tail()}")
        return self.proc.returncode

    def stop(self, timeout: float = 10.0):
        """Graceful stop that fails on a crash or an unclean exit."""
        if self.proc is None or self.stopping and self.proc.poll() is not None:
            return
        rc = self.terminate(timeout)
        if rc not in (0,):
            raise AssertionError(f"server exited uncleanly after SIGTERM: {describe_rc(rc)}\n{self.log_tail()}")

    def kill(self):
        """SIGKILL (crash simulation or cleanup)."""
        if self.proc is None:
            return
        self.stopping = True
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass

    def restart(self, timeout: float = 20.0) -> "ParleyServer":
        self.start(timeout)
        return self

    def log_text(self) -> str:
        return self._log_path.read_text(errors="replace") if self._log_path and self._log_path.exists() else ""

    def log_tail(self, n: int = 40) -> str:
        if not self._log_path or not self._log_path.exists():
            return "(no server log)"
        lines = self._log_path.read_text(errors="replace").splitlines()
        return "--- server log tail ---\n" + "\n".join(lines[-n:])

    # -- addresses -----------------------------------------------------------------------------

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def base(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def tls(self) -> bool:
        return "--tls-cert" in self.flags

    def url(self, path: str) -> str:
        return self.base + path

    def ws_url(self, token: Optional[str] = None, path: str = "/ws") -> str:
        url = f"ws://127.0.0.1:{self.port}{path}"
        if token is not None:
            url += "?token=" + requests.utils.quote(token, safe="")
        return url

    @property
    def api(self) -> "Api":
        return Api(self)


def describe_rc(rc: int) -> str:
    if rc < 0:
        try:
            return f"killed by signal {signal.Signals(-rc).name}"
        except ValueError:
            return f"killed by signal {-rc}"
    return f"exit code {rc}"


# --------------------------------------------------------------------------------------------
# REST


class User:
    """A registered account with its current tokens."""

    def __init__(self, username: str, password: str, payload: dict):
        self.username = username
        self.password = password
        self.update(payload)

    def update(self, payload: dict):
        self.payload = payload
        self.user = payload["user"]
        self.id = self.user["id"]
        self.role = self.user["role"]
        self.access = payload["access_token"]
        self.refresh = payload["refresh_token"]

    @property
    def ref(self) -> dict:
        return {"id": self.id, "username": self.username}

    def __repr__(self):
        return f"User({self.username!r}, id={self.id})"


class Api:
    """Thin REST client over `requests` with the contract's helpers."""

    def __init__(self, server: ParleyServer):
        self.server = server

    def req(self, method: str, path: str, token: Optional[str] = None, json_body: Any = _UNSET,
            data: Any = None, headers: Optional[dict] = None, params: Any = None) -> requests.Response:
        h = dict(headers or {})
        if token is not None:
            h["Authorization"] = f"Bearer {token}"
        kwargs: dict = {"headers": h, "timeout": HTTP_TIMEOUT, "params": params}
        if json_body is not _UNSET:
            kwargs["data"] = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            h.setdefault("Content-Type", "application/json")
        elif data is not None:
            kwargs["data"] = data
        return requests.request(method, self.server.url(path), **kwargs)

    def get(self, path, token=None, **kw):
        return self.req("GET", path, token, **kw)

    def post(self, path, body: Any = _UNSET, token=None, **kw):
        return self.req("POST", path, token, json_body=body, **kw)

    def delete(self, path, token=None, **kw):
        return self.req("DELETE", path, token, **kw)

    # -- accounts ------------------------------------------------------------------------------

    def register(self, username: Optional[str] = None, password: str = PASSWORD) -> User:
        username = username or unique()
        r = self.post("/api/auth/register", {"username": username, "password": password})
        assert r.status_code == 201, f"register {username}: {r.status_code} {r.text}"
        return User(username, password, r.json())

    def login(self, username: str, password: str = PASSWORD) -> requests.Response:
        return self.post("/api/auth/login", {"username": username, "password": password})

    # -- rooms ---------------------------------------------------------------------------------

    def create_room(self, user: User, name: Optional[str] = None, private: bool = False,
                    access_code: Optional[str] = None) -> dict:
        body: dict = {"name": name or unique("room"), "private": private}
        if access_code is not None:
            body["access_code"] = access_code
        r = self.post("/api/rooms", body, token=user.access)
        assert r.status_code == 201, f"create room: {r.status_code} {r.text}"
        return r.json()

    def join_room(self, user: User, room_id: int, access_code: Optional[str] = None) -> requests.Response:
        body = {} if access_code is None else {"access_code": access_code}
        return self.post(f"/api/rooms/{room_id}/join", body, token=user.access)

    # -- messages ------------------------------------------------------------------------------

    def send(self, user: User, room_id: int, body: str, client_id: Optional[str] = None,
             meta: Any = _UNSET) -> requests.Response:
        payload: dict = {"body": body}
        if client_id is not None:
            payload["client_id"] = client_id
        if meta is not _UNSET:
            payload["meta"] = meta
        return self.post(f"/api/rooms/{room_id}/messages", payload, token=user.access)

    def send_ok(self, user: User, room_id: int, body: str, **kw) -> dict:
        r = self.send(user, room_id, body, **kw)
        assert r.status_code in (200, 201), f"post message: {r.status_code} {r.text}"
        return r.json()

    def page(self, user: User, room_id: int, **params) -> requests.Response:
        return self.get(f"/api/rooms/{room_id}/messages", user.access, params=params)

    def history(self, user: User, room_id: int) -> list:
        """The room's whole history, oldest first, paging backwards with `before`."""
        out: list = []
        params: dict = {"limit": 100}
        for _ in range(100000):
            r = self.page(user, room_id, **params)
            assert r.status_code == 200, f"history: {r.status_code} {r.text}"
            data = r.json()
            out.extend(data["messages"])
            nb = data.get("next_before")
            if nb is None:
                break
            assert not data["messages"] or nb == data["messages"][-1]["id"], data
            params = {"limit": 100, "before": nb}
        out.reverse()
        return out


def assert_json(resp: requests.Response):
    ct = resp.headers.get("Content-Type", "")
    assert ct.lower().startswith("application/json"), f"Content-Type {ct!r} for {resp.status_code} {resp.text[:200]}"
    return resp.json()


def assert_error(resp: requests.Response, status: int, code: str, field: Optional[str] = None) -> dict:
    """The contract's REST error: status, JSON {"error":{"code","message"}}, field named."""
    assert resp.status_code == status, f"expected {status} {code}, got {resp.status_code}: {resp.text[:300]}"
    body = assert_json(resp)
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), f"error body shape: {body}"
    err = body["error"]
    assert err.get("code") == code, f"expected code {code}, got {err}"
    assert isinstance(err.get("message"), str) and err["message"], f"error message missing: {err}"
    if field is not None:
        assert field.lower() in err["message"].lower(), f"message should name field {field!r}: {err}"
    assert resp.headers.get("X-Request-Id"), "X-Request-Id missing on error response"
    return err


def jwt_parts(token: str):
    def dec(part):
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    h, p, _s = token.split(".")
    return dec(h), dec(p)


def check_user_shape(u: dict):
    assert set(u) >= {"id", "username", "role", "created_at"}, u
    assert isinstance(u["id"], int) and u["id"] > 0
    assert u["role"] in ("user", "admin")
    assert TS_RE.match(u["created_at"]), u["created_at"]


def check_room_shape(r: dict):
    assert set(r) >= {"id", "name", "private", "owner_id", "created_at", "member_count", "joined"}, r
    assert isinstance(r["id"], int) and r["id"] > 0
    assert isinstance(r["private"], bool) and isinstance(r["joined"], bool)
    assert isinstance(r["member_count"], int)
    assert TS_RE.match(r["created_at"]), r["created_at"]


def check_message_shape(m: dict):
    assert set(m) >= {"id", "room", "from", "body", "ts"}, m
    assert isinstance(m["id"], int) and 0 < m["id"] < 2 ** 53
    assert set(m["from"]) >= {"id", "username"}, m
    assert TS_RE.match(m["ts"]), m["ts"]


# --------------------------------------------------------------------------------------------
# WebSocket via the `websockets` library (asyncio)


def arun(coro, timeout: float = 30.0):
    """Run a coroutine to completion with a hard timeout."""
    async def guarded():
        return await asyncio.wait_for(coro, timeout)
    return asyncio.run(guarded())


class WsClient:
    """A JSON WebSocket client that keeps unconsumed frames in order for later checks."""

    def __init__(self, ws, name: str = ""):
        self.ws = ws
        self.name = name
        self.pending: list = []
        self._ref = 0

    async def send(self, frame: Any):
        await self.ws.send(frame if isinstance(frame, str) else json.dumps(frame, ensure_ascii=False))

    async def _recv_one(self, timeout: float) -> dict:
        raw = await asyncio.wait_for(self.ws.recv(), timeout)
        assert isinstance(raw, str), f"server sent a non-text frame: {raw!r}"
        frame = json.loads(raw)
        assert isinstance(frame, dict) and "type" in frame, f"frame without type: {raw}"
        return frame

    async def recv(self, timeout: float = 5.0) -> dict:
        if self.pending:
            return self.pending.pop(0)
        return await self._recv_one(timeout)

    async def recv_until(self, type_: Optional[str] = None, pred: Optional[Callable[[dict], bool]] = None,
                         timeout: float = 5.0) -> dict:
        """Return (and remove) the first frame of `type_` matching `pred`; others stay pending."""
        def match(f):
            return (type_ is None or f.get("type") == type_) and (pred is None or pred(f))

        for i, f in enumerate(self.pending):
            if match(f):
                return self.pending.pop(i)
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise AssertionError(f"{self.name}: no {type_} frame within {timeout}s; pending: {self.pending[-10:]}")
            try:
                f = await self._recv_one(left)
            except asyncio.TimeoutError:
                raise AssertionError(f"{self.name}: no {type_} frame within {timeout}s; pending: {self.pending[-10:]}") from None
            if match(f):
                return f
            self.pending.append(f)

    def next_ref(self) -> str:
        self._ref += 1
        return f"r{self._ref}-{uuid.uuid4().hex[:6]}"

    async def request(self, frame: dict, timeout: float = 5.0) -> dict:
        """Send with a fresh ref and return the reply carrying it (any type, error included)."""
        frame = dict(frame)
        frame.setdefault("ref", self.next_ref())
        await self.send(frame)
        return await self.recv_until(None, lambda f: f.get("ref") == frame["ref"], timeout)

    async def join(self, room: int, since: Optional[int] = None, timeout: float = 5.0) -> dict:
        frame: dict = {"type": "join", "room": room}
        if since is not None:
            frame["since"] = since
        reply = await self.request(frame, timeout)
        assert reply["type"] == "joined", f"join {room}: {reply}"
        return reply

    async def send_msg(self, room: int, body: str, client_id: Optional[str] = None, **extra) -> dict:
        frame = {"type": "send", "room": room, "body": body, **extra}
        if client_id is not None:
            frame["client_id"] = client_id
        return await self.request(frame)

    def take(self, type_: str, pred: Optional[Callable[[dict], bool]] = None) -> list:
        """Remove and return every pending frame of the type."""
        out = [f for f in self.pending if f.get("type") == type_ and (pred is None or pred(f))]
        self.pending = [f for f in self.pending if f not in out]
        return out

    async def close(self):
        try:
            await asyncio.wait_for(self.ws.close(), 5)
        except Exception:
            pass

    async def closed_code(self, timeout: float = 5.0) -> Optional[int]:
        """Read until the server closes; return its close code (None: no close frame)."""
        deadline = asyncio.get_running_loop().time() + timeout
        try:
            while True:
                left = deadline - asyncio.get_running_loop().time()
                if left <= 0:
                    raise AssertionError(f"{self.name}: connection not closed within {timeout}s")
                raw = await asyncio.wait_for(self.ws.recv(), left)
                if isinstance(raw, str):
                    self.pending.append(json.loads(raw))
        except websockets.exceptions.ConnectionClosed as exc:
            return exc.rcvd.code if exc.rcvd is not None else None
        except asyncio.TimeoutError:
            raise AssertionError(f"{self.name}: connection not closed within {timeout}s") from None


async def ws_connect(server: ParleyServer, token: Optional[str] = None, how: str = "query",
                     name: str = "", headers: Optional[dict] = None, origin: Optional[str] = None,
                     authed: bool = True) -> WsClient:
    """Open /ws authenticating via `how` in {"query", "header", "frame", "none"}.

    With `authed` the connection is known to be ready when this returns: the auth frame was
    answered, or (token on the upgrade) a ping got its pong. Tests of what happens before that
    pass authed=False."""
    url = server.ws_url(token if how == "query" else None)
    extra = dict(headers or {})
    if how == "header":
        extra["Authorization"] = f"Bearer {token}"
    ws = await websockets.connect(url, extra_headers=extra, origin=origin, ping_interval=None,
                                  max_size=None, open_timeout=5, close_timeout=2, max_queue=None)
    client = WsClient(ws, name)
    if how == "frame" and authed:
        await client.send({"type": "auth", "token": token})
        reply = await client.recv_until(None, timeout=5)
        assert reply["type"] == "authed", f"auth frame: {reply}"
        client.authed_user = reply["user"]
    elif how in ("query", "header") and authed:
        pong = await client.request({"type": "ping"})
        assert pong["type"] == "pong", f"first ping: {pong}"
    return client


async def ws_user(server: ParleyServer, user: User, name: str = "", how: str = "query") -> WsClient:
    return await ws_connect(server, user.access, how=how, name=name or user.username)


# --------------------------------------------------------------------------------------------
# Raw WebSocket over a plain socket, for protocol violations


OP_CONT, OP_TEXT, OP_BIN, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def build_frame(opcode: int, payload: bytes = b"", fin: bool = True, mask: bool = True,
                rsv: int = 0, length: Optional[int] = None) -> bytes:
    """Any frame: opcode, FIN, RSV bits (0-7), masked or not, optional lying length."""
    b0 = (0x80 if fin else 0) | ((rsv & 7) << 4) | (opcode & 0xF)
    n = len(payload) if length is None else length
    mbit = 0x80 if mask else 0
    if n < 126:
        head = bytes([b0, mbit | n])
    elif n < 65536:
        head = bytes([b0, mbit | 126]) + struct.pack("!H", n)
    else:
        head = bytes([b0, mbit | 127]) + struct.pack("!Q", n)
    if mask:
        key = os.urandom(4)
        body = bytes(b ^ key[i % 4] for i, b in enumerate(payload)) if len(payload) < 4096 else _mask_fast(payload, key)
        return head + key + body
    return head + payload


def _mask_fast(payload: bytes, key: bytes) -> bytes:
    n = len(payload)
    k = int.from_bytes((key * ((n + 3) // 4))[:n], "big")
    return (int.from_bytes(payload, "big") ^ k).to_bytes(n, "big")


class RawClosed(Exception):
    pass


class RawWs:
    """A hand-made WebSocket client over a blocking socket with deadlines on every read."""

    def __init__(self, server: ParleyServer, rcvbuf: Optional[int] = None):
        self.server = server
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            # Before connect so that the advertised window stays small.
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(5)
        self.sock.connect(("127.0.0.1", server.port))
        self.buf = b""
        self.status: Optional[int] = None
        self.headers: dict = {}

    def handshake(self, path: str = "/ws", headers: Optional[dict] = None, version: str = "13",
                  key: Optional[str] = None, timeout: float = 5.0) -> int:
        key = key or base64.b64encode(os.urandom(16)).decode()
        h = {"Host": f"127.0.0.1:{self.server.port}", "Upgrade": "websocket", "Connection": "Upgrade",
             "Sec-WebSocket-Key": key, "Sec-WebSocket-Version": version}
        for k, v in (headers or {}).items():
            if v is None:
                h.pop(k, None)
            else:
                h[k] = v
        req = f"GET {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n"
        self.sock.sendall(req.encode())
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self.buf:
            self._fill(deadline)
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            self.headers[k.strip().lower()] = v.strip()
        if self.status != 101:
            # Read the (small) error body if any, for diagnostics.
            n = int(self.headers.get("content-length", "0") or 0)
            try:
                while len(self.buf) < n:
                    self._fill(deadline)
            except (RawClosed, AssertionError, OSError):
                pass
            self.body = self.buf[:n]
        return self.status

    def _fill(self, deadline: float):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError("raw client: read timed out")
        self.sock.settimeout(left)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise AssertionError("raw client: read timed out") from None
        if not data:
            raise RawClosed("EOF")
        self.buf += data

    def send_raw(self, data: bytes) -> bool:
        """Send bytes; False when the server already closed/reset (that is allowed)."""
        try:
            self.sock.settimeout(10)
            self.sock.sendall(data)
            return True
        except (BrokenPipeError, ConnectionResetError):
            return False

    def send_frame(self, opcode: int, payload: bytes = b"", **kw) -> bool:
        return self.send_raw(build_frame(opcode, payload, **kw))

    def send_text(self, obj: Any) -> bool:
        data = obj if isinstance(obj, (str, bytes)) else json.dumps(obj)
        if isinstance(data, str):
            data = data.encode()
        return self.send_frame(OP_TEXT, data)

    def read_frame(self, timeout: float = 5.0):
        """(fin, opcode, payload) of the next server frame; RawClosed on EOF."""
        deadline = time.monotonic() + timeout
        while len(self.buf) < 2:
            self._fill(deadline)
        b0, b1 = self.buf[0], self.buf[1]
        assert not b1 & 0x80, "server frames must not be masked"
        n = b1 & 0x7F
        pos = 2
        if n == 126:
            while len(self.buf) < 4:
                self._fill(deadline)
            n = struct.unpack("!H", self.buf[2:4])[0]
            pos = 4
        elif n == 127:
            while len(self.buf) < 10:
                self._fill(deadline)
            n = struct.unpack("!Q", self.buf[2:10])[0]
            pos = 10
        while len(self.buf) < pos + n:
            self._fill(deadline)
        payload = self.buf[pos:pos + n]
        self.buf = self.buf[pos + n:]
        return bool(b0 & 0x80), b0 & 0x0F, payload

    def read_json(self, timeout: float = 5.0, pong: bool = True) -> dict:
        """Next text message as JSON (answers pings when `pong`)."""
        deadline = time.monotonic() + timeout
        parts = b""
        while True:
            fin, op, payload = self.read_frame(max(0.01, deadline - time.monotonic()))
            if op == OP_PING:
                if pong:
                    self.send_frame(OP_PONG, payload)
                continue
            if op == OP_PONG:
                continue
            if op == OP_CLOSE:
                raise RawClosed(f"close {close_code(payload)}")
            parts += payload
            if fin:
                return json.loads(parts.decode("utf-8"))

    def read_until_type(self, type_: str, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            f = self.read_json(max(0.01, deadline - time.monotonic()))
            if f.get("type") == type_:
                return f

    def read_close(self, timeout: float = 5.0, pong: bool = True):
        """Read until the server's close frame; returns (code or None, frames seen before)."""
        deadline = time.monotonic() + timeout
        seen = []
        try:
            while True:
                fin, op, payload = self.read_frame(max(0.01, deadline - time.monotonic()))
                if op == OP_CLOSE:
                    return close_code(payload), seen
                if op == OP_PING and pong:
                    self.send_frame(OP_PONG, payload)
                seen.append((op, payload))
        except (RawClosed, ConnectionResetError):
            return None, seen

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def close_code(payload: bytes) -> Optional[int]:
    return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None


def raw_ws(server: ParleyServer, token: Optional[str] = None, rcvbuf: Optional[int] = None,
           headers: Optional[dict] = None) -> RawWs:
    """A raw client already upgraded (101 asserted)."""
    c = RawWs(server, rcvbuf=rcvbuf)
    path = "/ws" if token is None else "/ws?token=" + requests.utils.quote(token, safe="")
    status = c.handshake(path, headers)
    assert status == 101, f"upgrade refused: {status} {getattr(c, 'body', b'')!r}"
    return c


def raw_http(server: ParleyServer, data: bytes, timeout: float = 5.0) -> bytes:
    """Send raw bytes on a fresh connection; return what comes back until EOF or the deadline."""
    s = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)
    out = b""
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
            if b"\r\n\r\n" in out:
                head, _, body = out.partition(b"\r\n\r\n")
                m = re.search(rb"content-length:\s*(\d+)", head, re.I)
                if m and len(body) >= int(m.group(1)):
                    break
    finally:
        s.close()
    return out
