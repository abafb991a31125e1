"""A three-instance cluster is one server: clients spread over the three instances, concurrent
senders on all of them, and every message reaches every subscriber exactly once, in id order,
whichever instance it was sent on (local ones from the commit, remote ones through Redis, each
instance ordering them by the cluster's batch chain)."""

from __future__ import annotations

import asyncio
import os

import pytest
import requests

from cluster_helpers import Postgres, Redis, missing_binaries
from conftest import RELAXED_FLAGS
from parley_client import ParleyServer, arun, wait_for, ws_user

_missing = missing_binaries()
if _missing:
    pytest.skip(f"cluster tests need PostgreSQL and Redis servers; missing: {', '.join(_missing)} "
                "(scripts/install-deps.sh test installs them)", allow_module_level=True)

SECRET = "cluster-three-secret-0123456789abcdef0123456789"


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    saved = os.environ.pop("PARLEY_EXTRA_FLAGS", None)  # the instances get their database here
    pg = Postgres()
    redis = Redis()
    servers = []
    try:
        pg.start()
        redis.start()
        url = pg.create_database()
        flags = [*RELAXED_FLAGS, "--database", url, "--redis", redis.url, "--jwt-secret", SECRET]
        for name in ("a", "b", "c"):
            servers.append(ParleyServer(tmp_path_factory.mktemp(f"three-{name}"), flags).start())
        servers[0].api.register()  # the first user of the shared database, the admin
        for s in servers:
            wait_for(lambda s=s: requests.get(s.url("/readyz"), timeout=2).status_code == 200, 15,
                     "every instance ready (bus subscribed)")
        yield servers
        for s in servers:
            s.stop()
    finally:
        for s in servers:
            s.kill()
        redis.remove()
        pg.stop()
        if saved is not None:
            os.environ["PARLEY_EXTRA_FLAGS"] = saved


@pytest.fixture
def instances(request, three):
    request.node.parley_servers = list(three)
    yield three
    for s in three:
        s.check_alive()


def test_concurrent_senders_on_three_instances_reach_everyone_once_in_order(instances):
    per_sender = 120
    # Per instance: one sender and two watchers, registered and joined on their own instance.
    users = [[s.api.register() for _ in range(3)] for s in instances]
    room = instances[0].api.create_room(users[0][0])
    rid = room["id"]
    for s, group in zip(instances, users):
        for u in group:
            r = s.api.join_room(u, rid)
            assert r.status_code in (200, 201, 204), r.text

    async def send_all(ws, tag):
        refs = []
        for i in range(per_sender):
            ref = ws.next_ref()
            refs.append(ref)
            await ws.send({"type": "send", "room": rid, "body": f"{tag}-{i}", "ref": ref})
        ids = []
        for ref in refs:
            ack = await ws.recv_until(None, lambda f, ref=ref: f.get("ref") == ref, timeout=30)
            assert ack["type"] == "ack", ack
            ids.append(ack["id"])
        return ids

    async def collect(ws, count):
        seen = []
        while len(seen) < count:
            f = await ws.recv_until("message", timeout=30)
            seen.append(f["id"])
        return seen

    async def scenario():
        clients = []
        for index, (s, group) in enumerate(zip(instances, users)):
            for k, u in enumerate(group):
                ws = await ws_user(s, u, name=f"{'sender' if k == 0 else 'watcher'}{k}@{index}")
                await ws.join(rid)
                clients.append(ws)
        senders = clients[0::3]
        total = len(senders) * per_sender
        watchers = [asyncio.create_task(collect(ws, total)) for ws in clients if ws not in senders]
        sent = await asyncio.gather(*(send_all(ws, ws.name) for ws in senders))
        all_ids = sorted(i for ids in sent for i in ids)
        assert len(set(all_ids)) == total
        for ws, seen in zip([ws for ws in clients if ws not in senders],
                            await asyncio.gather(*watchers)):
            assert seen == all_ids, f"{ws.name} saw {len(seen)} messages, out of order or not once"
        # Each sender gets the whole stream too, its own messages included.
        for ws in senders:
            assert await collect(ws, total) == all_ids, f"{ws.name}: out of order or not once"
        # Nothing more is on its way: the next message everyone gets is a last one, sent now.
        last = await senders[1].send_msg(rid, "last")
        for ws in clients:
            f = await ws.recv_until("message", timeout=10)
            assert f["id"] == last["id"], f"{ws.name} got {f['id']} again after the stream"
        for ws in clients:
            await ws.close()

    arun(scenario(), timeout=120)
