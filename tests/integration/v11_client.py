"""Helpers for the v1.1 conversation tests: edit, delete, reactions, replies, read state, changes.

REST helpers return the raw `requests.Response` (tests check statuses and errors themselves) and
`*_ok` variants assert success and return the JSON. WebSocket helpers build on `WsClient` of
parley_client.py. Everything here is written against ../shared/PROTOCOL.md, section "v1.1 —
conversations", not against the code.
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterable, Optional
from urllib.parse import quote

from requests.structures import CaseInsensitiveDict

from parley_client import TS_RE, Api, User, WsClient, check_message_shape, raw_http

_UNSET = object()

# What a tombstone may carry (PROTOCOL.md: "a deleted message keeps id, room, from, ts, rev,
# client_id, reply_to, reply_count and last_reply_at, has body "", and no meta, reactions,
# mentions, attachments or edited_at"), plus the `deleted` flag itself.
TOMBSTONE_KEEPS = {"id", "room", "from", "ts", "rev", "client_id", "reply_to", "reply_count",
                   "last_reply_at"}
TOMBSTONE_ALLOWED = TOMBSTONE_KEEPS | {"deleted", "body"}
TOMBSTONE_DROPS = {"meta", "reactions", "mentions", "attachments", "edited_at"}
READ_STATE_KEYS = {"room", "last_read", "unread", "mentions"}
MAX_ID = 2 ** 53 - 1


def enc(emoji: str) -> str:
    """An emoji as one percent-encoded path segment (every reserved byte encoded)."""
    return quote(emoji, safe="")


# --------------------------------------------------------------------------------------------
# REST


def msg_path(room_id: Any, mid: Any) -> str:
    return f"/api/rooms/{room_id}/messages/{mid}"


def edit(api: Api, user: User, room_id: Any, mid: Any, body: Any = _UNSET, meta: Any = _UNSET,
         payload: Any = _UNSET):
    """PATCH /api/rooms/{id}/messages/{mid}; `payload` replaces the whole JSON body when given."""
    if payload is _UNSET:
        payload = {}
        if body is not _UNSET:
            payload["body"] = body
        if meta is not _UNSET:
            payload["meta"] = meta
    return api.req("PATCH", msg_path(room_id, mid), user.access, json_body=payload)


def edit_ok(api: Api, user: User, room_id: Any, mid: Any, body: Any = _UNSET, meta: Any = _UNSET) -> dict:
    r = edit(api, user, room_id, mid, body, meta)
    assert r.status_code == 200, f"edit {mid}: {r.status_code} {r.text[:300]}"
    return r.json()


def delete_message(api: Api, user: User, room_id: Any, mid: Any):
    return api.req("DELETE", msg_path(room_id, mid), user.access)


def delete_ok(api: Api, user: User, room_id: Any, mid: Any):
    r = delete_message(api, user, room_id, mid)
    assert r.status_code == 204, f"delete {mid}: {r.status_code} {r.text[:300]}"
    assert r.content == b"", f"204 with a body: {r.content[:200]!r}"


def reaction_path(room_id: Any, mid: Any, emoji: str, raw: bool = False) -> str:
    return f"{msg_path(room_id, mid)}/reactions/{emoji if raw else enc(emoji)}"


class RawResponse:
    """The parts of a `requests.Response` that the assertions use, from a hand-made request."""

    def __init__(self, data: bytes):
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        assert lines and lines[0].startswith("HTTP/1.1 "), f"no HTTP response: {data[:200]!r}"
        self.status_code = int(lines[0].split()[1])
        self.headers = CaseInsensitiveDict()
        for line in lines[1:]:
            k, _, v = line.partition(":")
            self.headers[k.strip()] = v.strip()
        n = int(self.headers.get("Content-Length", len(body)) or 0)
        self.content = body[:n]
        self.text = self.content.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.content)


def raw_request(api: Api, method: str, path: str, token: Optional[str]) -> RawResponse:
    """Send `path` byte for byte: `requests`/urllib3 would normalise or re-encode a hostile target
    (upper-case hex, a stray `%` turned into `%25`)."""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{api.server.port}\r\nContent-Length: 0\r\n"
    if token is not None:
        head += f"Authorization: Bearer {token}\r\n"
    head += "Connection: close\r\n\r\n"
    return RawResponse(raw_http(api.server, head.encode("latin-1")))


def react(api: Api, user: User, room_id: Any, mid: Any, emoji: str, raw: bool = False):
    """PUT a reaction; `raw` puts `emoji` into the path byte for byte (already encoded, or hostile)."""
    path = reaction_path(room_id, mid, emoji, raw)
    return raw_request(api, "PUT", path, user.access) if raw else api.req("PUT", path, user.access)


def unreact(api: Api, user: User, room_id: Any, mid: Any, emoji: str, raw: bool = False):
    path = reaction_path(room_id, mid, emoji, raw)
    return raw_request(api, "DELETE", path, user.access) if raw else api.req("DELETE", path, user.access)


def react_ok(api: Api, user: User, room_id: Any, mid: Any, emoji: str, raw: bool = False) -> dict:
    r = react(api, user, room_id, mid, emoji, raw)
    assert r.status_code == 200, f"react {emoji!r} on {mid}: {r.status_code} {r.text[:300]}"
    return r.json()


def unreact_ok(api: Api, user: User, room_id: Any, mid: Any, emoji: str, raw: bool = False) -> dict:
    r = unreact(api, user, room_id, mid, emoji, raw)
    assert r.status_code == 200, f"unreact {emoji!r} on {mid}: {r.status_code} {r.text[:300]}"
    return r.json()


def send_reply(api: Api, user: User, room_id: Any, body: str, reply_to: Any, **extra):
    payload = {"body": body, "reply_to": reply_to, **extra}
    return api.post(f"/api/rooms/{room_id}/messages", payload, token=user.access)


def reply_ok(api: Api, user: User, room_id: Any, body: str, reply_to: Any, **extra) -> dict:
    r = send_reply(api, user, room_id, body, reply_to, **extra)
    assert r.status_code in (200, 201), f"reply to {reply_to}: {r.status_code} {r.text[:300]}"
    return r.json()


def replies(api: Api, user: User, room_id: Any, mid: Any, **params):
    return api.get(f"{msg_path(room_id, mid)}/replies", user.access, params=params)


def read(api: Api, user: User, room_id: Any, up_to: Any = _UNSET, payload: Any = _UNSET):
    if payload is _UNSET:
        payload = {} if up_to is _UNSET else {"up_to": up_to}
    return api.post(f"/api/rooms/{room_id}/read", payload, token=user.access)


def read_ok(api: Api, user: User, room_id: Any, up_to: Any) -> dict:
    r = read(api, user, room_id, up_to)
    assert r.status_code == 200, f"read {up_to}: {r.status_code} {r.text[:300]}"
    state = r.json()
    check_read_state(state, room_id)
    return state


def changes(api: Api, user: User, room_id: Any, **params):
    return api.get(f"/api/rooms/{room_id}/changes", user.access, params=params)


def changes_ok(api: Api, user: User, room_id: Any, **params) -> dict:
    r = changes(api, user, room_id, **params)
    assert r.status_code == 200, f"changes {params}: {r.status_code} {r.text[:300]}"
    d = r.json()
    assert set(d) >= {"messages", "next_since"}, d
    return d


def all_changes(api: Api, user: User, room_id: Any, since: int, limit: int = 500) -> list:
    """Every change after `since`, following next_since to the last page."""
    out: list = []
    for _ in range(10000):
        d = changes_ok(api, user, room_id, since=since, limit=limit)
        out.extend(d["messages"])
        if d["next_since"] is None:
            return out
        assert d["messages"], f"a page with next_since {d['next_since']} but no messages"
        since = d["next_since"]
    raise AssertionError("changes paging did not end")


def get_message(api: Api, user: User, room_id: Any, mid: int) -> dict:
    """The current state of one message, read back through a history page (`before` = mid + 1)."""
    r = api.page(user, room_id, before=mid + 1, limit=1)
    assert r.status_code == 200, f"history: {r.status_code} {r.text[:300]}"
    msgs = r.json()["messages"]
    assert msgs and msgs[0]["id"] == mid, f"message {mid} not in history: {msgs}"
    return msgs[0]


def get_room(api: Api, user: User, room_id: Any) -> dict:
    r = api.get(f"/api/rooms/{room_id}", user.access)
    assert r.status_code == 200, f"room {room_id}: {r.status_code} {r.text[:300]}"
    return r.json()


def listed_room(api: Api, user: User, room_id: Any) -> dict:
    r = api.get("/api/rooms", user.access)
    assert r.status_code == 200, r.text[:300]
    found = [x for x in r.json()["rooms"] if x["id"] == room_id]
    assert len(found) == 1, f"room {room_id} listed {len(found)} times"
    return found[0]


def members(api: Api, user: User, room_id: Any) -> dict:
    """{user id: member entry} of GET /api/rooms/{id}/members."""
    r = api.get(f"/api/rooms/{room_id}/members", user.access)
    assert r.status_code == 200, f"members: {r.status_code} {r.text[:300]}"
    return {m["id"]: m for m in r.json()["members"]}


def room_with(api: Api, owner: User, *others: User, private: bool = False) -> dict:
    """A fresh room of `owner` with `others` as members (joined, or added when private)."""
    room = api.create_room(owner, private=private)
    for u in others:
        if private:
            r = api.post(f"/api/rooms/{room['id']}/members", {"username": u.username}, token=owner.access)
            assert r.status_code == 201, f"add member: {r.status_code} {r.text[:300]}"
        else:
            r = api.join_room(u, room["id"])
            assert r.status_code == 200, f"join: {r.status_code} {r.text[:300]}"
    return room


def register_many(api: Api, n: int, prefix: str = "crowd") -> list:
    """n fresh accounts (password hashing is the cost: a few threads), sorted by id."""
    from parley_client import unique

    with ThreadPoolExecutor(4) as pool:
        users = list(pool.map(lambda _: api.register(unique(prefix)), range(n)))
    return sorted(users, key=lambda u: u.id)


def snapshot(api: Api, user: User, room_id: Any) -> list:
    """The room's whole history (current state), for "nothing changed" checks."""
    return api.history(user, room_id)


# --------------------------------------------------------------------------------------------
# Shapes


def body_of(frame: dict) -> dict:
    """A `message` / `message_updated` frame without its `type`: the Message it carries."""
    return {k: v for k, v in frame.items() if k != "type"}


def pos(frame: dict) -> int:
    """The position of a room event: `id` for `message`, `rev` for `message_updated`."""
    return frame["id"] if frame["type"] == "message" else frame["rev"]


def cursor_of(messages: Iterable[dict]) -> int:
    """A client's catch-up cursor: the largest `id` or `rev` it has seen."""
    return max([0] + [max(m["id"], m.get("rev", m["id"])) for m in messages])


def check_v11_message(m: dict):
    """v1 shape plus the v1.1 fields' types and invariants."""
    check_message_shape(m)
    assert isinstance(m.get("rev"), int) and not isinstance(m["rev"], bool), f"rev missing: {m}"
    assert m["id"] <= m["rev"] < 2 ** 53, f"rev below id: {m}"
    if "edited_at" in m:
        assert isinstance(m["edited_at"], str) and TS_RE.match(m["edited_at"]), m
    if "deleted" in m:
        assert m["deleted"] is True, f"deleted must be true or absent: {m}"
    if "reactions" in m:
        check_reactions_shape(m["reactions"])
    if "mentions" in m:
        assert isinstance(m["mentions"], list) and all(isinstance(i, int) for i in m["mentions"]), m
        assert m["from"]["id"] not in m["mentions"], f"sender among mentions: {m}"
    if "reply_to" in m:
        assert isinstance(m["reply_to"], int) and m["reply_to"] < m["id"], m
    if "reply_count" in m:
        assert isinstance(m["reply_count"], int) and m["reply_count"] >= 0, m
    if "last_reply_at" in m:
        assert TS_RE.match(m["last_reply_at"]), m


def check_reactions_shape(reactions):
    assert isinstance(reactions, list), reactions
    seen = set()
    for r in reactions:
        assert set(r) >= {"emoji", "count", "users"}, r
        assert isinstance(r["emoji"], str) and r["emoji"] not in seen, reactions
        seen.add(r["emoji"])
        assert isinstance(r["count"], int) and r["count"] >= 1, r
        assert isinstance(r["users"], list) and len(r["users"]) <= 100, r
        assert len(r["users"]) == min(r["count"], 100), r
        assert len(set(r["users"])) == len(r["users"]), r


def reactions_of(m: dict) -> list:
    """[(emoji, count, users)] of a message; [] when absent."""
    return [(r["emoji"], r["count"], r["users"]) for r in (m.get("reactions") or [])]


def mentions_of(m: dict) -> list:
    return sorted(m.get("mentions") or [])


def check_tombstone(t: dict, original: Optional[dict] = None):
    """A deleted message: exactly the kept fields, body "", deleted true; kept values unchanged."""
    check_v11_message(t)
    assert t.get("deleted") is True, f"not a tombstone: {t}"
    assert t["body"] == "", f"tombstone body: {t}"
    extra = set(t) - TOMBSTONE_ALLOWED
    assert not extra, f"tombstone carries {sorted(extra)}: {t}"
    if original is not None:
        for k in TOMBSTONE_KEEPS - {"rev"}:
            if original.get(k) is not None:
                assert t.get(k) == original[k], f"tombstone lost {k}: {original} -> {t}"
        assert t["rev"] > original.get("rev", original["id"]), f"delete drew no rev: {original} -> {t}"


def check_read_state(s: dict, room_id: Any = None):
    assert set(s) >= READ_STATE_KEYS, f"ReadState shape: {s}"
    for k in ("last_read", "unread", "mentions"):
        assert isinstance(s[k], int) and not isinstance(s[k], bool) and s[k] >= 0, s
    if room_id is not None:
        assert s["room"] == room_id, s


def check_updated(reply: dict, room_id: int, mid: int) -> int:
    """The direct reply to edit/delete/react: {"type":"updated","ref","room","id","rev"}."""
    assert reply.get("type") == "updated", f"expected updated: {reply}"
    assert reply["room"] == room_id and reply["id"] == mid, reply
    assert isinstance(reply["rev"], int) and reply["rev"] >= mid, reply
    assert isinstance(reply.get("ref"), str), reply
    return reply["rev"]


def assert_position_order(frames: list, what: str = ""):
    """message / message_updated frames: positions never go back, and no event twice."""
    keys = [(f["type"], f["id"], pos(f)) for f in frames]
    assert len(set(keys)) == len(keys), f"{what}: an event arrived twice: {keys}"
    positions = [pos(f) for f in frames]
    assert positions == sorted(positions), f"{what}: events out of position order: {keys}"
    same = {}
    for f in frames:
        same.setdefault(f["type"], []).append(pos(f))
    for t, ps in same.items():
        assert len(set(ps)) == len(ps), f"{what}: two {t} events at one position: {keys}"


# --------------------------------------------------------------------------------------------
# WebSocket


async def ws_edit(c: WsClient, room: Any, mid: Any, body: Any = _UNSET, **extra) -> dict:
    frame = {"type": "edit", "room": room, "id": mid, **extra}
    if body is not _UNSET:
        frame["body"] = body
    return await c.request(frame)


async def ws_delete(c: WsClient, room: Any, mid: Any) -> dict:
    return await c.request({"type": "delete", "room": room, "id": mid})


async def ws_react(c: WsClient, room: Any, mid: Any, emoji: Any, on: Any = True) -> dict:
    return await c.request({"type": "react", "room": room, "id": mid, "emoji": emoji, "on": on})


async def ws_read(c: WsClient, room: Any, up_to: Any) -> dict:
    return await c.request({"type": "read", "room": room, "up_to": up_to})


async def ws_reply(c: WsClient, room: Any, body: str, reply_to: Any, **extra) -> dict:
    return await c.request({"type": "send", "room": room, "body": body, "reply_to": reply_to, **extra})


def is_error(reply: dict, *codes: str) -> bool:
    return reply.get("type") == "error" and (not codes or reply.get("code") in codes)


async def expect_error(c: WsClient, frame: dict, *codes: str) -> dict:
    reply = await c.request(frame)
    assert is_error(reply, *codes), f"{frame} -> expected error {codes}, got {reply}"
    assert isinstance(reply.get("message"), str) and reply["message"], reply
    return reply


async def barrier(c: WsClient):
    """A ping round trip: whatever the server sent before the pong has arrived once it returns."""
    pong = await c.request({"type": "ping"}, timeout=5)
    assert pong["type"] == "pong", pong


async def assert_none(c: WsClient, type_: str, pred: Optional[Callable[[dict], bool]] = None,
                      wait: float = 0.3, what: str = ""):
    """Nothing of `type_` (matching pred) arrives: a short bounded wait, then a ping barrier."""
    try:
        f = await c.recv_until(type_, pred, timeout=wait)
    except AssertionError:
        f = None
    assert f is None, f"{c.name}: unexpected {type_} {what}: {f}"
    await barrier(c)
    left = c.take(type_, pred)
    assert left == [], f"{c.name}: unexpected {type_} {what}: {left}"


async def next_event(c: WsClient, type_: str, pred: Optional[Callable[[dict], bool]] = None,
                     timeout: float = 5.0) -> dict:
    return await c.recv_until(type_, pred, timeout=timeout)


async def updated_for(c: WsClient, mid: int, rev: Optional[int] = None, timeout: float = 5.0) -> dict:
    """The `message_updated` of message `mid` (at `rev` when given)."""
    return await c.recv_until("message_updated",
                              lambda f: f.get("id") == mid and (rev is None or f.get("rev") == rev),
                              timeout=timeout)


async def room_events(c: WsClient, room_id: int, done: Callable[[list], bool], timeout: float = 10.0) -> list:
    """`message` / `message_updated` frames of one room, in arrival order, until done(frames)."""
    out: list = []
    deadline = asyncio.get_running_loop().time() + timeout
    while not done(out):
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            raise AssertionError(f"{c.name}: room events incomplete after {timeout}s: "
                                 f"{[(f['type'], f['id'], pos(f)) for f in out]}")
        f = await c.recv_until(None, lambda f: f.get("type") in ("message", "message_updated")
                               and f.get("room") == room_id, timeout=left)
        out.append(f)
    return out


class Recorder:
    """Reads every frame of a connection in a background task, stamping its arrival time, so that
    timing checks (the receipt throttle) do not depend on when the test gets round to reading.
    While it runs, do not read the connection otherwise."""

    def __init__(self, c: WsClient):
        self.c = c
        self.frames: list = []  # (monotonic arrival time, frame)
        self.task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self):
        import time

        import websockets

        try:
            while True:
                raw = await self.c.ws.recv()
                self.frames.append((time.monotonic(), json.loads(raw)))
        except websockets.exceptions.ConnectionClosed:
            pass

    def matching(self, pred: Callable[[dict], bool]) -> list:
        return [(t, f) for t, f in self.frames if pred(f)]

    async def wait_for(self, pred: Callable[[dict], bool], timeout: float, what: str) -> tuple:
        """The first recorded (time, frame) matching pred, polling until the deadline."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = self.matching(pred)
            if found:
                return found[0]
            if loop.time() >= deadline:
                raise AssertionError(f"{self.c.name}: no {what} within {timeout}s; "
                                     f"recorded: {[f for _, f in self.frames][-10:]}")
            await asyncio.sleep(0.01)

    async def barrier(self):
        """A ping round trip through the recorder."""
        ref = self.c.next_ref()
        await self.c.send({"type": "ping", "ref": ref})
        await self.wait_for(lambda f: f.get("type") == "pong" and f.get("ref") == ref, 5, "pong")

    async def stop(self):
        self.task.cancel()
        try:
            await self.task
        except asyncio.CancelledError:
            pass
