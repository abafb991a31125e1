"""Per-request and per-connection limits of the HTTP and WebSocket layers, each a flag:
--max-header-count, --max-header-bytes, --max-requests-per-connection, --request-timeout-ms and
--max-rooms-per-connection. Refusals get the contract's error and leave the server serving."""

import json
import socket
import time

from parley_client import arun, raw_http, ws_user


def status_of(raw: bytes) -> int:
    return int(raw.split(b"\r\n", 1)[0].split()[1])


def request(port: int, headers: dict) -> bytes:
    lines = ["GET /healthz HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_header_count_cap(server_factory):
    srv = server_factory(flags=["--max-header-count", "20"])
    within = {f"X-H{i}": "v" for i in range(15)}  # + Host and Connection
    assert status_of(raw_http(srv, request(srv.port, within))) == 200
    over = {f"X-H{i}": "v" for i in range(25)}
    reply = raw_http(srv, request(srv.port, over))
    assert status_of(reply) == 400
    assert json.loads(reply.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "bad_request"
    assert srv.api.get("/healthz").status_code == 200


def test_header_bytes_cap(server_factory):
    srv = server_factory(flags=["--max-header-bytes", "2048"])
    assert status_of(raw_http(srv, request(srv.port, {"X-Big": "a" * 1500}))) == 200
    assert status_of(raw_http(srv, request(srv.port, {"X-Big": "a" * 3000}))) == 400
    assert srv.api.get("/healthz").status_code == 200


def test_keep_alive_requests_per_connection(server_factory):
    srv = server_factory(flags=["--max-requests-per-connection", "3"])
    one = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{srv.port}\r\n\r\n".encode()
    # Pipelined: five requests at once; three are answered, the third says Connection: close.
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    s.sendall(one * 5)
    reply = b""
    while True:  # until the server closes (the socket timeout fails the test otherwise)
        chunk = s.recv(65536)
        if not chunk:
            break
        reply += chunk
    s.close()
    heads = [part for part in reply.split(b"HTTP/1.1 ")[1:]]
    assert len(heads) == 3, reply
    assert b"connection: close" in heads[2].lower()
    assert b"connection: close" not in heads[0].lower()


def test_request_timeout_closes_a_silent_connection(server_factory):
    srv = server_factory(flags=["--request-timeout-ms", "300"])
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    started = time.monotonic()
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # the head never ends
    try:
        data = s.recv(65536)
    except ConnectionResetError:
        data = b""
    elapsed = time.monotonic() - started
    s.close()
    assert data == b"" or data.startswith(b"HTTP/1.1 4"), data
    assert elapsed < 5, f"closed after {elapsed:.1f} s"


def test_rooms_joined_per_connection(server_factory):
    srv = server_factory(flags=["--max-rooms-per-connection", "2"])
    user = srv.admin
    rooms = [srv.api.create_room(user)["id"] for _ in range(3)]

    async def scenario():
        ws = await ws_user(srv, user)
        await ws.join(rooms[0])
        await ws.join(rooms[1])
        reply = await ws.request({"type": "join", "room": rooms[2]})
        assert reply["type"] == "error" and reply["code"] == "bad_request", reply
        # Joining one of the two again is not a new subscription.
        await ws.join(rooms[1])
        # Leaving one makes room for another.
        left = await ws.request({"type": "leave", "room": rooms[0]})
        assert left["type"] != "error", left
        await ws.join(rooms[2])
        await ws.close()

    arun(scenario())
