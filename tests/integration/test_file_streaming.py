"""Files are streamed both ways: concurrent large uploads and downloads never hold a file in the
server's memory (its RSS grows by buffers, not by file sizes)."""

import concurrent.futures
import hashlib
import os
import socket
import struct
import time

import pytest

from parley_client import ParleyServer

MIB = 1024 * 1024
SIZE = 25 * MIB
# What the server may grow by with every transfer in flight: its chunk buffers (64 KiB each) and
# the allocator's slack, far below one file (25 MiB), let alone all of them (250 MiB).
ALLOWED_GROWTH = 24 * MIB


def rss(server) -> int:
    with open(f"/proc/{server.proc.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@pytest.fixture(scope="module")
def big_server(tmp_path_factory):
    srv = ParleyServer(tmp_path_factory.mktemp("streaming"),
                       ["--max-upload-bytes", str(SIZE), "--upload-burst", "1000",
                        "--upload-rate-per-second", "1000"]).start()
    yield srv
    srv.stop()


def payload(i: int) -> bytes:
    block = hashlib.sha256(str(i).encode()).digest() * (MIB // 32)
    return block * (SIZE // MIB)


def upload(server, user, data: bytes) -> dict:
    r = server.api.req("POST", "/api/uploads", user.access, data=data,
                       headers={"Content-Type": "application/octet-stream"},
                       params={"name": "big.bin"})
    assert r.status_code == 201, r.text[:300]
    return r.json()["upload"]


def test_concurrent_large_uploads_are_streamed(big_server):
    user = big_server.api.register()
    upload(big_server, user, payload(-1)[:MIB])  # warm-up: the paths and pools exist
    before = rss(big_server)
    datas = [payload(i) for i in range(10)]
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        uploads = list(pool.map(lambda d: upload(big_server, user, d), datas))
    grown = rss(big_server) - before
    assert grown < ALLOWED_GROWTH, f"RSS grew by {grown / MIB:.1f} MiB over 10 uploads of 25 MiB"
    for u, d in zip(uploads, datas):
        assert u["size"] == len(d)


def open_download(server, user, url: str, extra: str = "") -> socket.socket:
    s = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    # A small receive buffer keeps most of the file on the server's side while we do not read.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    s.sendall((f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {user.access}\r\n"
               f"{extra}Connection: close\r\n\r\n").encode())
    return s


def read_response(s: socket.socket) -> tuple:
    data = bytearray()
    while True:
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        data += chunk
    s.close()
    head, _, body = bytes(data).partition(b"\r\n\r\n")
    return head.decode("latin-1"), body


def test_concurrent_downloads_are_streamed(big_server):
    user = big_server.api.register()
    data = payload(42)
    u = upload(big_server, user, data)
    head, body = read_response(open_download(big_server, user, u["url"]))  # warm-up
    assert head.startswith("HTTP/1.1 200") and body == data
    before = rss(big_server)
    # Ten downloads in flight at once, none read past the first bytes: a server that held the
    # file for each would now hold 250 MiB.
    sockets = [open_download(big_server, user, u["url"]) for _ in range(10)]
    for s in sockets:
        assert s.recv(1024).startswith(b"HTTP/1.1 200")
    grown = rss(big_server) - before
    assert grown < ALLOWED_GROWTH, f"RSS grew by {grown / MIB:.1f} MiB with 10 downloads open"
    digest = hashlib.sha256(data).hexdigest()
    for s in sockets:
        s.settimeout(30)
        _, rest = read_response(s)
        # The first recv took the head and maybe some body: compare the tail we have.
        assert len(rest) <= len(data) and data.endswith(rest)
    head, body = read_response(open_download(big_server, user, u["url"]))
    assert hashlib.sha256(body).hexdigest() == digest


def test_a_range_of_a_large_file_is_streamed_exactly(big_server):
    user = big_server.api.register()
    data = payload(7)
    u = upload(big_server, user, data)
    first, last = 3 * MIB + 17, 20 * MIB + 5
    head, body = read_response(open_download(big_server, user, u["url"],
                                             f"Range: bytes={first}-{last}\r\n"))
    assert head.startswith("HTTP/1.1 206"), head
    assert f"Content-Range: bytes {first}-{last}/{SIZE}" in head
    assert body == data[first:last + 1]


def test_a_head_request_gives_the_length_without_the_body(big_server):
    user = big_server.api.register()
    u = upload(big_server, user, payload(3)[:5 * MIB + 1])
    s = socket.create_connection(("127.0.0.1", big_server.port), timeout=30)
    s.sendall((f"HEAD {u['url']} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
               f"{user.access}\r\nConnection: close\r\n\r\n").encode())
    head, body = read_response(s)
    assert head.startswith("HTTP/1.1 200") and body == b""
    assert f"Content-Length: {5 * MIB + 1}" in head


def test_a_client_that_leaves_mid_download_frees_its_connection(big_server):
    user = big_server.api.register()
    u = upload(big_server, user, payload(9))
    fds_before = len(os.listdir(f"/proc/{big_server.proc.pid}/fd"))
    for _ in range(5):
        s = open_download(big_server, user, u["url"])
        assert s.recv(1024).startswith(b"HTTP/1.1 200")
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()  # reset mid-body
    # The server notices each reset on its next write; the file and socket are then closed. A
    # fresh request served afterwards shows it is still healthy, and the fds come back.
    head, body = read_response(open_download(big_server, user, u["url"]))
    assert head.startswith("HTTP/1.1 200") and len(body) == SIZE
    deadline = time.monotonic() + 10
    while len(os.listdir(f"/proc/{big_server.proc.pid}/fd")) > fds_before:
        assert time.monotonic() < deadline, "fds of reset downloads were not released"
        time.sleep(0.05)
