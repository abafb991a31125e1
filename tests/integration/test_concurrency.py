"""Concurrency: many clients sending into several rooms at once; every subscriber gets every
message of its rooms exactly once, in id order, and the stored history matches."""

import asyncio

import pytest

from parley_client import arun, ws_user

CLIENTS = 6
ROOMS = 3
PER_CLIENT = 200
WINDOW = 20


@pytest.mark.timeout_s(150)
def test_concurrent_senders_and_subscribers(server):
    api = server.api
    users = [api.register() for _ in range(CLIENTS)]
    rooms = [api.create_room(users[0])["id"] for _ in range(ROOMS)]
    for u in users[1:]:
        for rid in rooms:
            assert api.join_room(u, rid).status_code == 200
    # Client k subscribes to two rooms: k % ROOMS and (k + 1) % ROOMS; it sends to both in turn.
    subs = {k: [rooms[k % ROOMS], rooms[(k + 1) % ROOMS]] for k in range(CLIENTS)}

    async def scenario():
        clients = [await ws_user(server, users[k], name=f"c{k}") for k in range(CLIENTS)]
        for k, c in enumerate(clients):
            for rid in subs[k]:
                await c.join(rid)
        # Drain presence noise from the joins.
        expected = {rid: set() for rid in rooms}
        acks = {}

        async def run_client(k):
            c = clients[k]
            inflight = 0
            received = {rid: [] for rid in subs[k]}
            sent = 0
            acked = 0
            while True:
                while sent < PER_CLIENT and inflight < WINDOW:
                    rid = subs[k][sent % 2]
                    cid = f"c{k}-{sent}"
                    await c.send({"type": "send", "room": rid, "body": cid, "client_id": cid, "ref": cid})
                    expected[rid].add(cid)
                    sent += 1
                    inflight += 1
                if acked == PER_CLIENT:
                    break
                f = await c.recv_until(None, lambda f: f.get("type") in ("ack", "message", "error"), timeout=30)
                if f["type"] == "error":
                    raise AssertionError(f"c{k}: {f}")
                if f["type"] == "ack":
                    acks[f["ref"]] = f["id"]
                    acked += 1
                    inflight -= 1
                else:
                    received[f["room"]].append((f["id"], f["client_id"]))
            return received

        results = await asyncio.gather(*(run_client(k) for k in range(CLIENTS)))

        # Everyone has sent; now wait until each subscriber saw every message of its rooms.
        async def finish(k):
            c, received = clients[k], results[k]
            for rid in subs[k]:
                deadline = asyncio.get_running_loop().time() + 60
                while len(received[rid]) < len(expected[rid]):
                    assert asyncio.get_running_loop().time() < deadline, f"c{k} room {rid}: stalled"
                    f = await c.recv_until("message", timeout=30)
                    received[f["room"]].append((f["id"], f["client_id"]))
            return received

        # Messages of the other room may be pending: move them first.
        for k, c in enumerate(clients):
            for f in c.take("message"):
                results[k][f["room"]].append((f["id"], f["client_id"]))
        finals = await asyncio.gather(*(finish(k) for k in range(CLIENTS)))
        for c in clients:
            await c.close()
        return finals

    finals = arun(scenario(), timeout=140)
    for rid in rooms:
        hist = api.history(users[0], rid)
        hist_pairs = [(m["id"], m["client_id"]) for m in hist]
        assert len(hist_pairs) == len({cid for _, cid in hist_pairs}), f"room {rid}: duplicate client_id"
        for k in range(CLIENTS):
            if rid not in subs[k]:
                continue
            got = finals[k][rid]
            ids = [i for i, _ in got]
            assert len(ids) == len(set(ids)), f"c{k} room {rid}: a message delivered twice"
            assert ids == sorted(ids), f"c{k} room {rid}: out of id order"
            assert got == hist_pairs, f"c{k} room {rid}: live stream differs from the stored history"
        assert len(hist_pairs) == sum(1 for k in range(CLIENTS) for j in range(PER_CLIENT)
                                      if subs[k][j % 2] == rid)


@pytest.mark.timeout_s(90)
def test_join_since_during_live_traffic_has_no_gap_or_duplicate(server):
    """Catch-up (`missed`) and live delivery meet without a gap or a duplicate, even while the
    room is busy: missed + live = every message after `since`, once, in id order."""
    api = server.api
    owner = api.register()
    room = api.create_room(owner)
    rid = room["id"]
    first = api.send_ok(owner, rid, "start")["id"]
    total = 400

    thresholds = [0, 40, 100, 180, 260, 340]

    async def scenario():
        sender = await ws_user(server, owner, name="sender")
        readers = [await ws_user(server, owner, name=f"r{k}") for k in range(len(thresholds))]
        reached = [asyncio.Event() for _ in thresholds]
        join_sent = [asyncio.Event() for _ in thresholds]
        window = 10

        async def send_all():
            acks, sent = {}, 0
            while len(acks) < total:
                while sent < total and sent - len(acks) < window:
                    await sender.send({"type": "send", "room": rid, "body": f"n{sent}", "client_id": f"n{sent}",
                                       "ref": f"n{sent}"})
                    sent += 1
                f = await sender.recv_until("ack", timeout=30)
                acks[f["ref"]] = f["id"]
                for k, t in enumerate(thresholds):
                    if len(acks) >= t and not reached[k].is_set():
                        reached[k].set()
                        # Up to `window` sends are in flight while this join is handled.
                        await asyncio.wait_for(join_sent[k].wait(), 10)
            return acks

        async def reader(k):
            await asyncio.wait_for(reached[k].wait(), 30)
            await readers[k].send({"type": "join", "room": rid, "since": first, "ref": "join"})
            join_sent[k].set()
            j = await readers[k].recv_until("joined", timeout=15)
            assert not j["missed_truncated"]
            return [m["id"] for m in j["missed"]]

        send_task = asyncio.ensure_future(send_all())
        missed = await asyncio.gather(*(reader(k) for k in range(len(thresholds))))
        acks = await send_task
        all_ids = sorted(acks.values())
        spread = [len(m) for m in missed]
        for c, seen in zip(readers, missed):
            while not seen or seen[-1] < all_ids[-1]:
                f = await c.recv_until("message", timeout=15)
                seen.append(f["id"])
            assert len(seen) == len(set(seen)), f"{c.name}: duplicates"
            assert seen == all_ids, f"{c.name}: gap or disorder (missed+live {len(seen)} vs {len(all_ids)})"
        for c in readers:
            await c.close()
        await sender.close()
        return spread

    spread = arun(scenario(), timeout=80)
    # The joins really happened at different points of the stream.
    assert len(set(spread)) >= 3, f"joins did not interleave with the traffic: {spread}"
    print("missed at join:", spread)



def _parallel(fn, args_list):
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=len(args_list)) as pool:
        return list(pool.map(lambda a: fn(*a), args_list))


def test_concurrent_register_same_username_one_wins(server):
    api = server.api
    from parley_client import PASSWORD, unique
    name = unique("Race")
    variants = [name, name.upper(), name.lower(), name] * 2
    results = _parallel(lambda n: api.post("/api/auth/register", {"username": n, "password": PASSWORD}),
                        [(v,) for v in variants])
    codes = sorted(r.status_code for r in results)
    assert codes.count(201) == 1 and codes.count(409) == len(variants) - 1, codes


def test_concurrent_room_create_same_name_one_wins(server, alice, bob):
    api = server.api
    from parley_client import unique
    name = unique("RaceRoom")
    args = [(u, v) for u in (alice, bob) for v in (name, name.upper(), name.lower(), name)]
    results = _parallel(lambda u, n: api.post("/api/rooms", {"name": n, "private": False}, token=u.access), args)
    codes = sorted(r.status_code for r in results)
    assert codes.count(201) == 1 and codes.count(409) == len(args) - 1, codes


def test_concurrent_dm_from_both_sides_is_one_room(server):
    api = server.api
    for _ in range(3):
        a, b = api.register(), api.register()
        args = [(a, b), (b, a)] * 4
        results = _parallel(lambda x, y: api.post("/api/dms", {"username": y.username}, token=x.access), args)
        assert all(r.status_code == 200 for r in results), [r.status_code for r in results]
        assert len({r.json()["id"] for r in results}) == 1, "two DM rooms for one pair"


def test_concurrent_same_client_id_stores_once(server, alice):
    api = server.api
    room = api.create_room(alice)

    async def scenario():
        conns = [await ws_user(server, alice, name=f"c{k}") for k in range(4)]
        for round_no in range(10):
            cid = f"same-{round_no}"
            for c in conns:
                await c.send({"type": "send", "room": room["id"], "body": cid, "client_id": cid, "ref": cid})
            acks = [await c.recv_until("ack", lambda f, cid=cid: f.get("ref") == cid, timeout=10) for c in conns]
            assert len({a["id"] for a in acks}) == 1, f"{cid}: different ids {acks}"
        for c in conns:
            await c.close()

    arun(scenario())
    # REST racing too.
    results = _parallel(lambda: api.send(alice, room["id"], "rest", client_id="rest-race"), [()] * 8)
    codes = sorted(r.status_code for r in results)
    assert codes.count(201) == 1 and codes.count(200) == 7, codes
    assert len({r.json()["id"] for r in results}) == 1
    hist = api.history(alice, room["id"])
    cids = [m["client_id"] for m in hist]
    assert len(cids) == len(set(cids)) == 11


@pytest.mark.timeout_s(90)
def test_many_connections_one_room(server, alice):
    api = server.api
    room = api.create_room(alice)
    n = 150

    async def scenario():
        conns = await asyncio.gather(*(ws_user(server, alice, name=f"c{k}") for k in range(n)))
        await asyncio.gather(*(c.join(room["id"], timeout=20) for c in conns))
        ack = await conns[0].send_msg(room["id"], "to everyone")
        got = await asyncio.gather(*(c.recv_until("message", lambda f: f["id"] == ack["id"], timeout=20)
                                     for c in conns))
        assert len(got) == n
        await asyncio.gather(*(c.close() for c in conns))

    arun(scenario(), timeout=80)
    assert server.api.get("/healthz").status_code == 200


def test_delete_room_during_traffic(server):
    """Deleting a room while a client streams into it: every send gets exactly one reply (ack or
    not_found/forbidden), sends after the deletion fail, nothing crashes."""
    api = server.api
    owner, member = api.register(), api.register()
    room = api.create_room(owner)
    rid = room["id"]
    api.join_room(member, rid)

    async def scenario():
        sender = await ws_user(server, member, name="sender")
        watcher = await ws_user(server, member, name="watcher")
        await watcher.join(rid)
        replies, sent, window, delete_task = {}, 0, 10, None
        first_error_at = None
        while first_error_at is None or sent < first_error_at + 50:
            while sent - len(replies) < window and sent < 5000:
                await sender.send({"type": "send", "room": rid, "body": f"d{sent}", "ref": f"d{sent}"})
                sent += 1
            f = await sender.recv_until(None, lambda f: f.get("type") in ("ack", "error"), timeout=15)
            assert f["ref"] not in replies, f"two replies for {f['ref']}"
            replies[f["ref"]] = f
            if len(replies) == 100:
                delete_task = asyncio.ensure_future(asyncio.to_thread(api.delete, f"/api/rooms/{rid}", owner.access))
            if f["type"] == "error" and first_error_at is None:
                first_error_at = sent
            assert sent < 5000, "sends kept succeeding after the room was deleted"
        while len(replies) < sent:
            f = await sender.recv_until(None, lambda f: f.get("type") in ("ack", "error"), timeout=15)
            assert f["ref"] not in replies
            replies[f["ref"]] = f
        assert (await delete_task).status_code == 204
        errors = [f for f in replies.values() if f["type"] == "error"]
        assert all(f["code"] in ("not_found", "forbidden") for f in errors), errors[:3]
        acks = sum(1 for f in replies.values() if f["type"] == "ack")
        late = [replies[f"d{i}"]["type"] for i in range(sent - 20, sent)]
        assert set(late) == {"error"}, "sends long after the deletion were accepted"
        await watcher.recv_until("room_deleted", timeout=5)
        assert (await sender.request({"type": "ping"}))["type"] == "pong"
        await sender.close()
        await watcher.close()
        return acks, len(errors)

    acks, errors = arun(scenario())
    assert acks >= 100 and errors >= 50
    assert api.page(owner, rid).status_code == 404
    assert api.get("/healthz").status_code == 200
