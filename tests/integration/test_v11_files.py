"""v1.1 files: uploads (streamed, capped, named, rate-limited), downloads (who, headers, Range)."""

import http.client
import socket
import struct
import time
import zlib

import pytest
import requests

from parley_client import HTTP_TIMEOUT, ParleyServer, assert_error, assert_json, unique
from v11_client import room_with

CAP = 64 * 1024
SERVER_FLAGS = ["--max-upload-bytes", str(CAP), "--upload-burst", "100000",
                "--upload-rate-per-second", "100000"]


def upload(api, user, data, name="file.bin", content_type="application/octet-stream", token=None):
    headers = {"Content-Type": content_type} if content_type is not None else {}
    tok = token if token is not None else (user.access if user else None)
    params = {"name": name} if name is not None else None
    return api.req("POST", "/api/uploads", tok, data=data, headers=headers, params=params)


def upload_ok(api, user, data, **kw) -> dict:
    r = upload(api, user, data, **kw)
    assert r.status_code == 201, f"upload: {r.status_code} {r.text[:300]}"
    body = assert_json(r)
    u = body["upload"]
    assert set(u) >= {"id", "name", "size", "content_type", "url"}, u
    assert isinstance(u["id"], int) and u["url"].startswith("/"), u
    return u


def download(api, user, u, headers=None):
    return api.req("GET", u["url"], user.access if user else None, headers=headers)


def png(width, height) -> bytes:
    raw = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def upload_files(server):
    d = server.data_dir / "uploads"
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


# --------------------------------------------------------------------------------------------
# uploads


def test_upload_round_trip(api, alice):
    data = bytes(range(256)) * 100
    u = upload_ok(api, alice, data, name="notes.bin")
    assert u["name"] == "notes.bin" and u["size"] == len(data)
    assert u["content_type"] == "application/octet-stream"
    r = download(api, alice, u)
    assert r.status_code == 200 and r.content == data
    assert r.headers["Content-Type"] == "application/octet-stream"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_empty_upload_and_cap_exactly(api, alice):
    empty = upload_ok(api, alice, b"", name="empty.txt", content_type="text/plain")
    assert empty["size"] == 0
    assert download(api, alice, empty).content == b""
    full = upload_ok(api, alice, b"x" * CAP, name="cap.bin")
    assert full["size"] == CAP
    assert download(api, alice, full).content == b"x" * CAP


def test_over_the_cap_is_413_and_leaves_nothing(server, api, alice):
    before = upload_files(server)
    assert_error(upload(api, alice, b"x" * (CAP + 1)), 413, "payload_too_large")
    assert_error(upload(api, alice, b"x" * (CAP * 4)), 413, "payload_too_large")

    def chunks():
        for _ in range(CAP // 1000 + 2):
            yield b"y" * 1000

    # Chunked, no Content-Length: refused once it passes the cap.
    r = requests.post(server.url("/api/uploads"), params={"name": "c.bin"}, data=chunks(),
                      headers={"Authorization": f"Bearer {alice.access}"}, timeout=HTTP_TIMEOUT)
    assert_error(r, 413, "payload_too_large")
    time.sleep(0.2)
    assert [f for f in upload_files(server) if f not in before] == []


def test_chunked_upload_within_the_cap(server, alice):
    def chunks():
        for i in range(10):
            yield bytes([i]) * 1000

    r = requests.post(server.url("/api/uploads"), params={"name": "c.bin"}, data=chunks(),
                      headers={"Authorization": f"Bearer {alice.access}"}, timeout=HTTP_TIMEOUT)
    assert r.status_code == 201, r.text
    assert r.json()["upload"]["size"] == 10000


@pytest.mark.parametrize("name", ["", "a/b", "a\\b", "tab\there", "nl\nx", "\x7f", "x" * 256,
                                  "é" * 256, "\u0085c1"])
def test_bad_names_are_400(api, alice, name):
    assert_error(upload(api, alice, b"data", name=name), 400, "bad_request", "name")


def test_name_is_required(api, alice):
    assert_error(upload(api, alice, b"data", name=None), 400, "bad_request", "name")


@pytest.mark.parametrize("name", ["a", "résumé 2026 (final).pdf", "x" * 255, "é" * 255, "日本語.txt",
                                  ".hidden", "..", "a b\"c'<d>.html", "emoji 😀.png"])
def test_odd_but_valid_names_are_kept(api, alice, name):
    u = upload_ok(api, alice, b"data", name=name)
    assert u["name"] == name


def test_upload_needs_a_token(api, alice):
    assert_error(upload(api, None, b"data"), 401, "unauthorized")
    assert_error(upload(api, None, b"data", token="not-a-token"), 401, "unauthorized")


def test_image_dimensions_are_recorded(api, alice):
    u = upload_ok(api, alice, png(7, 3), name="dot.png", content_type="image/png")
    assert (u.get("width"), u.get("height")) == (7, 3), u
    plain = upload_ok(api, alice, b"not an image", name="x.png", content_type="image/png")
    assert "width" not in plain and "height" not in plain


def test_cut_off_body_leaves_no_file_and_no_row(server, api, alice):
    before = upload_files(server)
    s = socket.create_connection((server.host, server.port), timeout=5)
    s.sendall((f"POST /api/uploads?name=cut.bin HTTP/1.1\r\nHost: x\r\n"
               f"Authorization: Bearer {alice.access}\r\nContent-Length: 50000\r\n\r\n").encode()
              + b"z" * 20000)
    time.sleep(0.3)
    s.close()

    def gone():
        return [f for f in upload_files(server) if f not in before] == []

    deadline = time.time() + 5
    while not gone() and time.time() < deadline:
        time.sleep(0.05)
    assert gone(), upload_files(server)
    # The next upload gets the next id: nothing was stored for the cut one, and the server is fine.
    u = upload_ok(api, alice, b"after")
    assert download(api, alice, u).content == b"after"


def test_concurrent_uploads(server, api, alice, bob):
    import concurrent.futures

    payloads = [bytes([i]) * (CAP - i) for i in range(12)]
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda p: upload_ok(api, alice, p), payloads))
    assert len({u["id"] for u in results}) == len(payloads)
    for u, p in zip(results, payloads):
        assert download(api, alice, u).content == p


def test_rate_limit(parley_bin, tmp_path):
    srv = ParleyServer(tmp_path, ["--upload-burst", "3", "--upload-rate-per-second", "0.5"]).start()
    try:
        api = srv.api
        user = api.register()
        for _ in range(3):
            upload_ok(api, user, b"x")
        r = upload(api, user, b"x")
        assert_error(r, 429, "rate_limited")
        assert int(r.headers["Retry-After"]) >= 1
        other = api.register()
        upload_ok(api, other, b"x")
    finally:
        srv.stop()


# --------------------------------------------------------------------------------------------
# downloads


def test_only_the_uploader_may_download_an_unattached_file(api, alice, bob):
    u = upload_ok(api, alice, b"mine")
    assert_error(download(api, bob, u), 404, "not_found")
    assert_error(download(api, None, u), 401, "unauthorized")
    assert_error(api.req("GET", "/api/uploads/99999999", alice.access), 404, "not_found")
    assert_error(api.req("GET", "/api/uploads/abc", alice.access), 404, "not_found")


@pytest.mark.parametrize("ctype,disposition", [
    ("image/png", "inline"), ("image/jpeg", "inline"), ("image/gif", "inline"),
    ("image/webp", "inline"), ("application/pdf", "inline"), ("text/plain", "inline"),
    ("text/plain; charset=utf-8", "inline"), ("text/html", "attachment"),
    ("image/svg+xml", "attachment"), ("application/javascript", "attachment"),
    ("application/octet-stream", "attachment"),
])
def test_content_type_and_disposition(api, alice, ctype, disposition):
    u = upload_ok(api, alice, b"<script>alert(1)</script>", name="f.x", content_type=ctype)
    assert u["content_type"] == ctype
    r = download(api, alice, u)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == ctype
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Disposition"].split(";")[0] == disposition, r.headers
    assert "private" in r.headers["Cache-Control"]
    assert r.headers.get("ETag")


def test_range_requests(api, alice):
    data = bytes(range(256)) * 4
    u = upload_ok(api, alice, data)
    r = download(api, alice, u, {"Range": "bytes=10-19"})
    assert r.status_code == 206 and r.content == data[10:20]
    assert r.headers["Content-Range"] == f"bytes 10-19/{len(data)}"
    r = download(api, alice, u, {"Range": "bytes=1000-"})
    assert r.status_code == 206 and r.content == data[1000:]
    r = download(api, alice, u, {"Range": "bytes=-5"})
    assert r.status_code == 206 and r.content == data[-5:]
    r = download(api, alice, u, {"Range": "bytes=5-100000"})
    assert r.status_code == 206 and r.content == data[5:]
    r = download(api, alice, u, {"Range": f"bytes={len(data)}-"})
    assert r.status_code == 416 and r.headers["Content-Range"] == f"bytes */{len(data)}"
    r = download(api, alice, u, {"Range": "bytes=-0"})
    assert r.status_code == 416
    r = download(api, alice, u, {"Range": "bytes=9-3"})
    assert r.status_code == 200 and r.content == data
    r = download(api, alice, u, {"Range": "furlongs=1-2"})
    assert r.status_code == 200 and r.content == data


def test_etag_revalidation(api, alice):
    u = upload_ok(api, alice, b"cache me")
    r = download(api, alice, u)
    etag = r.headers["ETag"]
    r2 = download(api, alice, u, {"If-None-Match": etag})
    assert r2.status_code == 304 and r2.content == b""
