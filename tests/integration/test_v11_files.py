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


# --------------------------------------------------------------------------------------------
# attachments


def send_with(api, user, room_id, body, attachments):
    return api.post(f"/api/rooms/{room_id}/messages", {"body": body, "attachments": attachments},
                    token=user.access)


def test_attachments_on_rest_send_and_in_history(api, alice, bob):
    room = room_with(api, alice, bob)
    a = upload_ok(api, alice, png(2, 2), name="a.png", content_type="image/png")
    b = upload_ok(api, alice, b"text", name="b.txt", content_type="text/plain")
    r = send_with(api, alice, room["id"], "look", [a["id"], b["id"]])
    assert r.status_code == 201, r.text
    m = r.json()
    assert [x["id"] for x in m["attachments"]] == [a["id"], b["id"]]
    assert m["attachments"][0] == a and m["attachments"][1] == b
    hist = api.history(bob, room["id"])
    assert hist[-1]["attachments"] == m["attachments"]
    # A member of the room may now download them; an outsider still may not.
    assert download(api, bob, a).content == png(2, 2)
    plain = api.send_ok(alice, room["id"], "no files")
    assert plain.get("attachments", []) == []


def test_empty_body_needs_attachments(api, alice):
    room = room_with(api, alice)
    u = upload_ok(api, alice, b"x")
    r = send_with(api, alice, room["id"], "", [u["id"]])
    assert r.status_code == 201 and r.json()["body"] == "", r.text
    assert_error(send_with(api, alice, room["id"], "", []), 400, "bad_request", "body")
    assert_error(api.post(f"/api/rooms/{room['id']}/messages", {"body": ""}, token=alice.access),
                 400, "bad_request", "body")


def test_bad_attachments_are_400(api, alice, bob):
    room = room_with(api, alice, bob)
    mine = upload_ok(api, alice, b"x")
    theirs = upload_ok(api, bob, b"y")
    for bad in ([theirs["id"]], [99999999], [mine["id"], mine["id"]], "x", [0], ["1"],
                [upload_ok(api, alice, b"z")["id"] for _ in range(11)]):
        assert_error(send_with(api, alice, room["id"], "hi", bad), 400, "bad_request", "attachments")
    ten = [upload_ok(api, alice, bytes([i]))["id"] for i in range(10)]
    assert send_with(api, alice, room["id"], "ten", ten).status_code == 201


def test_attachments_over_websocket(server, api, alice, bob):
    from parley_client import arun, ws_user

    room = room_with(api, alice, bob)
    u = upload_ok(api, alice, b"over ws", name="ws.bin")

    async def scenario():
        c = await ws_user(server, alice)
        await c.join(room["id"])
        ack = await c.send_msg(room["id"], "", attachments=[u["id"]])
        live = await c.recv_until("message", lambda f: f["id"] == ack["id"])
        await c.close()
        return live

    live = arun(scenario())
    assert [x["id"] for x in live["attachments"]] == [u["id"]]


def test_private_room_attachment_is_for_members_only(api, alice, bob, carol):
    room = room_with(api, alice, bob, private=True)
    u = upload_ok(api, alice, b"secret")
    assert send_with(api, alice, room["id"], "file", [u["id"]]).status_code == 201
    assert download(api, bob, u).content == b"secret"
    assert_error(download(api, carol, u), 404, "not_found")
    r = api.post(f"/api/rooms/{room['id']}/leave", {}, token=bob.access)
    assert r.status_code in (200, 204)
    assert_error(download(api, bob, u), 404, "not_found")


def test_deleting_the_message_detaches(api, alice, bob):
    room = room_with(api, alice, bob)
    u = upload_ok(api, alice, b"detach me")
    m = send_with(api, alice, room["id"], "file", [u["id"]]).json()
    assert download(api, bob, u).status_code == 200
    r = api.delete(f"/api/rooms/{room['id']}/messages/{m['id']}", alice.access)
    assert r.status_code == 204
    gone = [x for x in api.history(alice, room["id"]) if x["id"] == m["id"]][0]
    assert gone["deleted"] is True and "attachments" not in gone
    assert_error(download(api, bob, u), 404, "not_found")
    assert download(api, alice, u).status_code == 200  # still the uploader's, until collected


# --------------------------------------------------------------------------------------------
# garbage collection


def test_detached_and_unattached_files_are_collected(parley_bin, tmp_path):
    srv = ParleyServer(tmp_path, ["--upload-detached-grace-s", "0", "--upload-unattached-max-age-s",
                                  "2", "--upload-gc-interval-s", "1"]).start()
    try:
        api = srv.api
        alice = api.register()
        room = room_with(api, alice)
        kept = upload_ok(api, alice, b"kept")
        assert send_with(api, alice, room["id"], "keep", [kept["id"]]).status_code == 201
        detached = upload_ok(api, alice, b"detached")
        m = send_with(api, alice, room["id"], "drop", [detached["id"]]).json()
        loose = upload_ok(api, alice, b"never attached")
        assert len(upload_files(srv)) == 3
        assert api.delete(f"/api/rooms/{room['id']}/messages/{m['id']}", alice.access).status_code == 204
        deadline = time.time() + 10
        while len(upload_files(srv)) > 1 and time.time() < deadline:
            time.sleep(0.2)
        assert len(upload_files(srv)) == 1
        assert_error(download(api, alice, detached), 404, "not_found")
        assert_error(download(api, alice, loose), 404, "not_found")
        assert download(api, alice, kept).content == b"kept"
    finally:
        srv.stop()


def test_a_deleted_rooms_files_are_collected(parley_bin, tmp_path):
    srv = ParleyServer(tmp_path, ["--upload-detached-grace-s", "0", "--upload-gc-interval-s", "1"]).start()
    try:
        api = srv.api
        alice = api.register()
        room = room_with(api, alice)
        u = upload_ok(api, alice, b"in a doomed room")
        assert send_with(api, alice, room["id"], "f", [u["id"]]).status_code == 201
        assert api.delete(f"/api/rooms/{room['id']}", alice.access).status_code in (200, 204)
        deadline = time.time() + 10
        while upload_files(srv) and time.time() < deadline:
            time.sleep(0.2)
        assert upload_files(srv) == []
    finally:
        srv.stop()
