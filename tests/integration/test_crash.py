"""Crash safety: SIGKILL at a random point of a message stream loses no acknowledged message,
stores none twice, and resending unacknowledged ones with their client_ids creates no duplicates."""

import asyncio
import os
import random

import pytest
import websockets

from parley_client import arun, ws_user

WINDOW = 16  # sends in flight


async def _stream_until_kill(srv, user, room_id, tag, kill_after, max_msgs=2000):
    """Send a pipelined stream; SIGKILL the server once `kill_after` acks arrived.
    Returns (client_ids in send order, {client_id: acked id})."""
    c = await ws_user(srv, user)
    sent, acked = [], {}
    ref_to_cid = {}
    killed = False
    try:
        i = 0
        while i < max_msgs:
            while len(sent) - len(acked) < WINDOW and i < max_msgs:
                cid = f"{tag}-{i}"
                ref_to_cid[f"ref-{cid}"] = cid
                await c.send({"type": "send", "room": room_id, "body": f"body {cid}", "client_id": cid,
                              "ref": f"ref-{cid}"})
                sent.append(cid)
                i += 1
            f = await c.recv_until(None, lambda f: f.get("type") in ("ack", "error"), timeout=10)
            assert f["type"] == "ack", f
            cid = ref_to_cid[f["ref"]]
            assert f["client_id"] == cid
            assert cid not in acked, f"two acks for {cid}"
            acked[cid] = f["id"]
            if len(acked) >= kill_after:
                srv.kill()
                killed = True
                break
    except websockets.exceptions.ConnectionClosed:
        pass
    assert killed, "stream ended before the kill point"
    # Frames that were already in our buffers count as acks too: they were sent by the server.
    try:
        while True:
            f = await c.recv(timeout=0.5)
            if f.get("type") == "ack":
                acked[ref_to_cid[f["ref"]]] = f["id"]
    except (websockets.exceptions.ConnectionClosed, asyncio.TimeoutError, AssertionError):
        pass
    for f in c.pending:
        if f.get("type") == "ack":
            acked[ref_to_cid[f["ref"]]] = f["id"]
    await c.close()
    return sent, acked


def _check_history(hist, user, sent_order, acked, seed):
    by_cid = {}
    for m in hist:
        cid = m.get("client_id")
        assert cid is not None, m
        assert m["from"]["id"] == user.id
        assert cid not in by_cid, f"client_id {cid} stored twice (seed {seed})"
        by_cid[cid] = m
    ids = [m["id"] for m in hist]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for cid, mid in acked.items():
        assert cid in by_cid, f"acknowledged message {cid} (id {mid}) lost after SIGKILL (seed {seed})"
        assert by_cid[cid]["id"] == mid, f"{cid}: acked id {mid}, stored id {by_cid[cid]['id']}"
        assert by_cid[cid]["body"] == f"body {cid}"
    pos = {cid: i for i, cid in enumerate(sent_order)}
    stored_positions = [pos[m["client_id"]] for m in hist]
    assert stored_positions == sorted(stored_positions), f"ids not increasing in send order (seed {seed})"
    return by_cid


@pytest.mark.timeout_s(150)
@pytest.mark.parametrize("durability", ["full", "normal"])
def test_sigkill_loses_no_acknowledged_message(server_factory, tmp_path, durability):
    """Both durability modes survive a crash of the process (docs/durability.md)."""
    flags = ["--durability", durability]
    seed = int.from_bytes(os.urandom(4), "big")
    rnd = random.Random(seed)
    data_dir = tmp_path / "crash-data"
    srv = server_factory(flags, data_dir=data_dir)
    user = srv.api.register()
    room = srv.api.create_room(user)
    rid = room["id"]
    sent_order, all_acked = [], {}

    for round_no in range(4):
        kill_after = rnd.randint(5, 200)
        sent, acked = arun(_stream_until_kill(srv, user, rid, f"r{round_no}", kill_after), timeout=60)
        assert srv.proc.returncode is not None
        sent_order += sent
        all_acked.update(acked)

        srv = server_factory(flags, data_dir=data_dir, register_admin=False)
        hist = srv.api.history(user, rid)
        by_cid = _check_history(hist, user, sent_order, all_acked, seed)

        # Resend everything that was not acknowledged, with the same client_ids.
        unacked = [cid for cid in sent if cid not in acked]
        print(f"round {round_no} (seed {seed}): kill after {kill_after} acks; sent {len(sent)}, "
              f"acked {len(acked)}, stored unacked {sum(1 for c in unacked if c in by_cid)}")

        async def resend():
            c = await ws_user(srv, user)
            out = {}
            for cid in unacked:
                r = await c.send_msg(rid, f"body {cid}", client_id=cid)
                assert r["type"] == "ack", r
                out[cid] = r["id"]
            await c.close()
            return out

        re_acked = arun(resend(), timeout=60)
        for cid, mid in re_acked.items():
            if cid in by_cid:
                assert by_cid[cid]["id"] == mid, f"resent {cid}: new id {mid}, stored {by_cid[cid]['id']}"
        all_acked.update(re_acked)
        hist = srv.api.history(user, rid)
        cids = [m["client_id"] for m in hist]
        assert len(cids) == len(set(cids)), f"duplicates after resend (seed {seed})"
        assert set(cids) == set(sent_order), f"history differs from what was sent (seed {seed})"
        for m in hist:
            assert all_acked[m["client_id"]] == m["id"]
        # Resent ones are newer than everything of the round, so send order = the final order
        # within the round plus resends at the end.
        sent_order = [c for c in sent_order if c in by_cid] + [c for c in unacked if c not in by_cid]
        assert [m["client_id"] for m in hist] == sent_order, f"order after resend (seed {seed})"


@pytest.mark.timeout_s(120)
def test_sigkill_during_rest_posts(server_factory, tmp_path):
    """REST `201` is an acknowledgement too: posts from several threads, SIGKILL at a random count."""
    import threading
    import requests
    seed = int.from_bytes(os.urandom(4), "big")
    rnd = random.Random(seed)
    data_dir = tmp_path / "rest-crash"
    srv = server_factory([], data_dir=data_dir)
    user = srv.api.register()
    rid = srv.api.create_room(user)["id"]
    acked = {}
    for round_no in range(2):
        kill_after = rnd.randint(10, 120)
        lock = threading.Lock()
        stop = threading.Event()
        round_acks = [0]
        url = srv.url(f"/api/rooms/{rid}/messages")

        def worker(w):
            session = requests.Session()
            for i in range(10000):
                if stop.is_set():
                    return
                cid = f"rest{round_no}-{w}-{i}"
                try:
                    r = session.post(url, json={"body": f"body {cid}", "client_id": cid},
                                     headers={"Authorization": f"Bearer {user.access}"}, timeout=5)
                except requests.RequestException:
                    return  # the server is gone
                if r.status_code in (200, 201):
                    with lock:
                        acked[cid] = r.json()["id"]
                        round_acks[0] += 1
                        if round_acks[0] >= kill_after and not stop.is_set():
                            stop.set()
                            srv.kill()
                            return
                else:
                    return

        threads = [threading.Thread(target=worker, args=(w,), daemon=True) for w in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert stop.is_set(), "posting stopped before the kill point"
        srv = server_factory([], data_dir=data_dir, register_admin=False)
        hist = srv.api.history(user, rid)
        by_cid = {}
        for m in hist:
            assert m["client_id"] not in by_cid, f"{m['client_id']} stored twice (seed {seed})"
            by_cid[m["client_id"]] = m["id"]
        for cid, mid in acked.items():
            assert by_cid.get(cid) == mid, f"acknowledged {cid} (id {mid}) lost (seed {seed})"
