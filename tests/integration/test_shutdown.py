"""Graceful shutdown: SIGTERM closes clients with 1001, exits cleanly, keeps every acked message."""


import pytest

from parley_client import arun, raw_ws, ws_user


@pytest.mark.timeout_s(90)
def test_sigterm_closes_1001_and_keeps_acknowledged_messages(server_factory, tmp_path):
    data_dir = tmp_path / "shutdown-data"
    srv = server_factory([], data_dir=data_dir)
    api = srv.api
    alice, bob = api.register(), api.register()
    room = api.create_room(alice)
    api.join_room(bob, room["id"])
    rid = room["id"]
    raw = raw_ws(srv, bob.access)

    async def scenario():
        a = await ws_user(srv, alice, name="a")
        b = await ws_user(srv, bob, name="b")
        await a.join(rid)
        await b.join(rid)
        acked = {}
        # Pipelined sends; SIGTERM lands while some may still be in flight.
        for i in range(150):
            await a.send({"type": "send", "room": rid, "body": f"s{i}", "client_id": f"s{i}", "ref": f"s{i}"})
        while len(acked) < 100:
            f = await a.recv_until("ack", timeout=10)
            acked[f["client_id"]] = f["id"]
        srv.proc.send_signal(__import__("signal").SIGTERM)
        srv.stopping = True
        code_b = await b.closed_code(timeout=10)
        code_a = await a.closed_code(timeout=10)
        for f in a.pending:
            if f.get("type") == "ack":
                acked[f["client_id"]] = f["id"]
        return acked, code_a, code_b

    acked, code_a, code_b = arun(scenario(), timeout=60)
    raw_code, _ = raw.read_close(timeout=10)
    raw.close()
    try:
        srv.proc.wait(15)
    except Exception:
        srv.kill()
        raise AssertionError("server did not exit within 15s of SIGTERM")
    assert code_a == 1001 and code_b == 1001 and raw_code == 1001, (code_a, code_b, raw_code)
    assert srv.proc.returncode == 0, f"exit status after SIGTERM: {srv.proc.returncode}"

    srv2 = server_factory([], data_dir=data_dir, register_admin=False)
    hist = srv2.api.history(alice, rid)
    by_cid = {m["client_id"]: m["id"] for m in hist}
    assert len(by_cid) == len(hist), "a client_id stored twice"
    for cid, mid in acked.items():
        assert by_cid.get(cid) == mid, f"acknowledged {cid} (id {mid}) missing after restart"
    # The old tokens still work: the secret lives in the data dir.
    assert srv2.api.get("/api/me", alice.access).status_code == 200


def test_sigterm_stops_accepting_and_exits_quickly_when_idle(server_factory):
    srv = server_factory([])
    rc = srv.terminate(timeout=10)
    assert rc == 0, f"exit status {rc}"
    import socket
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", srv.port), timeout=2).close()
