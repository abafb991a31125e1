"""WebSocket protocol violations with a hand-made client: close codes, 426, Origin checks."""

import json

import pytest

from parley_client import (OP_BIN, OP_CLOSE, OP_CONT, OP_PING, OP_TEXT, RawWs, arun, raw_ws, ws_user,
                           close_code)


def _expect_close(c, code, what):
    got, seen = c.read_close(timeout=5)
    assert got == code, f"{what}: expected close {code}, got {got} (frames before: {[op for op, _ in seen]})"


def _still_serves(server, user, room_id):
    async def scenario():
        c = await ws_user(server, user)
        assert (await c.request({"type": "ping"}))["type"] == "pong"
        await c.close()
    arun(scenario())
    assert server.api.page(user, room_id).status_code == 200


@pytest.fixture
def room(api, alice):
    return api.create_room(alice)


@pytest.fixture
def conn(server, alice):
    c = raw_ws(server, alice.access)
    yield c
    c.close()


def test_raw_client_sanity(conn, room):
    conn.send_text({"type": "ping", "ref": "x"})
    f = conn.read_json()
    assert f["type"] == "pong" and f["ref"] == "x"
    # A masked client ping gets a pong with the same payload.
    conn.send_frame(OP_PING, b"hello")
    for _ in range(5):
        fin, op, payload = conn.read_frame()
        if op == 0xA:
            assert payload == b"hello"
            break
    else:
        raise AssertionError("no pong")
    # A message in three fragments is reassembled.
    data = json.dumps({"type": "ping", "ref": "frag"}).encode()
    conn.send_frame(OP_TEXT, data[:5], fin=False)
    conn.send_frame(OP_CONT, data[5:10], fin=False)
    conn.send_frame(OP_PING, b"mid")  # control frames may interleave
    conn.send_frame(OP_CONT, data[10:], fin=True)
    f = conn.read_json()
    assert f["type"] == "pong" and f["ref"] == "frag"
    # Client close is answered with a close.
    conn.send_frame(OP_CLOSE, (1000).to_bytes(2, "big") + b"bye")
    code, _ = conn.read_close()
    assert code == 1000


def test_frame_over_64k_closes_1009(server, alice, conn, room):
    payload = json.dumps({"type": "send", "room": room["id"], "body": "x" * 70000}).encode()
    conn.send_frame(OP_TEXT, payload)
    _expect_close(conn, 1009, "oversized frame")
    _still_serves(server, alice, room["id"])
    assert server.api.history(alice, room["id"]) == []


def test_frame_exactly_64k_is_accepted(server, alice, conn, room):
    base = json.dumps({"type": "ping", "ref": "big", "pad": ""}).encode()
    payload = json.dumps({"type": "ping", "ref": "big", "pad": "p" * (65536 - len(base))}).encode()
    assert len(payload) == 65536
    conn.send_frame(OP_TEXT, payload)
    f = conn.read_json()
    assert f["type"] in ("pong", "error"), f  # an unknown field may be refused, but no close


def test_fragmented_message_over_64k_closes_1009(server, alice, conn, room):
    chunk = b"x" * 30000
    conn.send_frame(OP_TEXT, b'{"type":"ping","pad":"' + chunk, fin=False)
    conn.send_frame(OP_CONT, chunk, fin=False)
    conn.send_frame(OP_CONT, chunk, fin=False)
    conn.send_frame(OP_CONT, b'"}', fin=True)
    _expect_close(conn, 1009, "fragmented oversized message")
    _still_serves(server, alice, room["id"])


def test_huge_declared_length_closes_1009(server, alice, conn, room):
    # Only the header: a 2^40-byte frame must be refused from the header alone.
    conn.send_raw(bytes([0x81, 0x80 | 127]) + (1 << 40).to_bytes(8, "big") + b"\x00\x00\x00\x00")
    _expect_close(conn, 1009, "declared 1 TiB frame")
    _still_serves(server, alice, room["id"])


def test_binary_frame_closes_1003(server, alice, conn, room):
    conn.send_frame(OP_BIN, b"\x00\x01\x02")
    _expect_close(conn, 1003, "binary frame")


def test_invalid_utf8_closes_1007(server, alice, conn, room):
    conn.send_frame(OP_TEXT, b'{"type":"ping","ref":"\xff\xfe"}')
    _expect_close(conn, 1007, "invalid UTF-8")
    _still_serves(server, alice, room["id"])


def test_invalid_utf8_split_across_fragments_closes_1007(server, alice, conn, room):
    # U+20AC is E2 82 AC; split it, then complete it wrongly.
    conn.send_frame(OP_TEXT, b'{"type":"ping","ref":"\xe2\x82', fin=False)
    conn.send_frame(OP_CONT, b'\x41"}', fin=True)
    _expect_close(conn, 1007, "invalid UTF-8 across fragments")


def test_overlong_and_surrogate_utf8_closes_1007(server, alice, room):
    for bad in (b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"):
        c = raw_ws(server, alice.access)
        try:
            c.send_frame(OP_TEXT, b'{"type":"ping","ref":"' + bad + b'"}')
            _expect_close(c, 1007, f"invalid UTF-8 {bad!r}")
        finally:
            c.close()


def test_unmasked_frame_closes_1002(server, alice, conn, room):
    conn.send_frame(OP_TEXT, b'{"type":"ping"}', mask=False)
    _expect_close(conn, 1002, "unmasked client frame")
    _still_serves(server, alice, room["id"])


@pytest.mark.parametrize("rsv", [1, 2, 4])
def test_reserved_bits_close_1002(server, alice, conn, room, rsv):
    conn.send_frame(OP_TEXT, b'{"type":"ping"}', rsv=rsv)
    _expect_close(conn, 1002, f"RSV bits {rsv}")


@pytest.mark.parametrize("opcode", [0x3, 0x7, 0xB, 0xF])
def test_bad_opcode_closes_1002(server, alice, conn, room, opcode):
    conn.send_frame(opcode, b"x")
    _expect_close(conn, 1002, f"opcode {opcode:#x}")


def test_fragmented_control_frame_closes_1002(server, alice, conn, room):
    conn.send_frame(OP_PING, b"abc", fin=False)
    _expect_close(conn, 1002, "fragmented ping")


def test_control_frame_over_125_closes_1002(server, alice, conn, room):
    conn.send_frame(OP_PING, b"p" * 126)
    _expect_close(conn, 1002, "126-byte ping")


def test_continuation_without_start_closes_1002(server, alice, conn, room):
    conn.send_frame(OP_CONT, b"abc", fin=True)
    _expect_close(conn, 1002, "orphan continuation")


def test_new_message_inside_fragmented_one_closes_1002(server, alice, conn, room):
    conn.send_frame(OP_TEXT, b'{"type":', fin=False)
    conn.send_frame(OP_TEXT, b'{"type":"ping"}', fin=True)
    _expect_close(conn, 1002, "text frame while a fragmented message is open")


def test_wrong_websocket_version_gets_426(server, alice):
    c = RawWs(server)
    try:
        status = c.handshake(f"/ws?token={alice.access}", version="8")
        assert status == 426
        assert c.headers.get("sec-websocket-version") == "13"
    finally:
        c.close()


def test_upgrade_without_key_is_refused(server, alice):
    c = RawWs(server)
    try:
        status = c.handshake(f"/ws?token={alice.access}", headers={"Sec-WebSocket-Key": None})
        assert status == 400
    finally:
        c.close()


def test_accept_header_is_correct(server, alice):
    import base64, hashlib
    key = "dGhlIHNhbXBsZSBub25jZQ=="
    c = RawWs(server)
    try:
        assert c.handshake(f"/ws?token={alice.access}", key=key) == 101
        expect = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        assert c.headers.get("sec-websocket-accept") == expect.decode()
    finally:
        c.close()


def _upgrade_status(server, token, origin):
    c = RawWs(server)
    try:
        return c.handshake(f"/ws?token={token}", headers={"Origin": origin} if origin else None)
    finally:
        c.close()


def test_origin_default_same_origin_only(server, alice):
    same = f"http://127.0.0.1:{server.port}"
    assert _upgrade_status(server, alice.access, same) == 101
    assert _upgrade_status(server, alice.access, "http://evil.example") == 403
    assert _upgrade_status(server, alice.access, f"http://127.0.0.1:{server.port + 1}") == 403
    # Non-browser clients send no Origin.
    assert _upgrade_status(server, alice.access, None) == 101


def test_origin_allow_list(server_factory):
    srv = server_factory(["--allowed-origin", "http://good.example"])
    u = srv.api.register()
    assert _upgrade_status(srv, u.access, "http://good.example") == 101
    assert _upgrade_status(srv, u.access, "http://evil.example") == 403
    assert _upgrade_status(srv, u.access, "https://good.example") == 403


def test_close_frame_payload_is_well_formed(server, alice, conn):
    conn.send_frame(OP_BIN, b"x")
    fin, op, payload = None, None, b""
    for _ in range(10):
        fin, op, payload = conn.read_frame()
        if op == OP_CLOSE:
            break
    assert op == OP_CLOSE and fin
    assert close_code(payload) == 1003
    payload[2:].decode("utf-8")  # reason must be valid UTF-8


def test_unsolicited_pong_is_ignored(conn):
    conn.send_frame(0xA, b"unsolicited")
    conn.send_text({"type": "ping", "ref": "after-pong"})
    f = conn.read_json()
    assert f["type"] == "pong" and f["ref"] == "after-pong"


@pytest.mark.parametrize("payload,expect", [
    (b"\x03", 1002),                      # one-byte close payload
    ((1005).to_bytes(2, "big"), 1002),    # reserved code, must not be sent
    ((999).to_bytes(2, "big"), 1002),     # below the valid range
    ((1000).to_bytes(2, "big") + b"\xff\xfe", 1007),  # reason is not UTF-8
])
def test_bad_close_frames(conn, payload, expect):
    conn.send_frame(OP_CLOSE, payload)
    code, _ = conn.read_close()
    assert code in (expect, 1002) if expect == 1007 else code == expect, code


@pytest.mark.parametrize("code", [1000, 1001, 3000, 4999])
def test_valid_close_codes_are_answered(conn, code):
    conn.send_frame(OP_CLOSE, code.to_bytes(2, "big") + "bye ✓".encode())
    got, _ = conn.read_close()
    assert got is not None and got not in (1002, 1007), got
