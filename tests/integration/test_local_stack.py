"""The compose stack without Docker (scripts/local-stack.sh): PostgreSQL, Redis, two parley
instances and nginx with the shipped site pieces, on loopback. Chat traffic goes through nginx,
lands on both instances, and crosses between them."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from parley_client import REPO_ROOT, Api, arun, binary_path, unique, wait_for, ws_connect

SCRIPT = REPO_ROOT / "scripts" / "local-stack.sh"
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("PARLEY_EXTRA_FLAGS")),
    reason="brings its own PostgreSQL; runs once, in the SQLite pass of the suite")


class Endpoint:
    """What the helpers need of a server (url, ws_url, api) for an address that is not one of
    ours: nginx, or one instance of the stack."""

    def __init__(self, url: str):
        self.base = url
        self.port = int(url.rsplit(":", 1)[1])

    def url(self, path: str) -> str:
        return self.base + path

    def ws_url(self, token=None, path: str = "/ws") -> str:
        url = f"ws://127.0.0.1:{self.port}{path}"
        if token is not None:
            url += "?token=" + requests.utils.quote(token, safe="")
        return url

    @property
    def api(self) -> Api:
        return Api(self)


@pytest.fixture
def stack(tmp_path):
    for tool in ("nginx", "redis-server"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed (scripts/install-deps.sh test)")
    directory = tmp_path / "stack"
    env = dict(os.environ, PARLEY_BIN=str(binary_path()))
    r = subprocess.run([str(SCRIPT), "start", str(directory)], env=env, capture_output=True,
                       text=True, timeout=180)
    try:
        assert r.returncode == 0, f"local-stack start failed:\n{r.stdout}\n{r.stderr}"
        values = dict(line.split("=", 1) for line in (directory / "stack.env").read_text().split())
        yield values, directory
    finally:
        subprocess.run([str(SCRIPT), "stop", str(directory)], env=env, capture_output=True,
                       timeout=120)


def connections_by_user(instance: Endpoint, admin) -> dict:
    r = instance.api.get("/api/admin/connections?limit=200", admin.access)
    assert r.status_code == 200, r.text
    return {c["user"]["username"]: c for c in r.json()["connections"]}


@pytest.mark.timeout_s(180)
def test_chat_through_nginx_reaches_both_instances_and_crosses(stack):
    values, directory = stack
    front = Endpoint(values["NGINX_URL"])
    instances = [Endpoint(values["PARLEY_1_URL"]), Endpoint(values["PARLEY_2_URL"])]
    api = front.api
    admin = api.register(unique("admin"))  # the first account: admin
    users = [api.register(unique("u")) for _ in range(6)]
    room = api.create_room(users[0])
    for u in users[1:]:
        assert api.join_room(u, room["id"]).status_code == 200

    async def scenario():
        clients = {}
        for u in users:
            clients[u.username] = await ws_connect(front, u.access, name=u.username)
            await clients[u.username].join(room["id"])
        # least_conn spreads the WebSockets over both instances; each says which are its own.
        where = [connections_by_user(i, admin) for i in instances]
        on = [[u for u in users if u.username in w] for w in where]
        assert on[0] and on[1], f"every connection on one instance: {[len(o) for o in on]}"
        for w in where:  # the client address is nginx's X-Forwarded-For, believed from 127.0.0.1
            assert all(c["address"] == "127.0.0.1" and c["rooms"] == [room["id"]] for c in w.values())
        sender, receiver = on[0][0], on[1][0]
        ack = await clients[sender.username].send_msg(room["id"], "across the bus", client_id="x-1")
        assert ack["type"] == "ack", ack
        got = await clients[receiver.username].recv_until(
            "message", pred=lambda f: f.get("id") == ack["id"], timeout=10)
        assert got["body"] == "across the bus" and got["from"]["username"] == sender.username
        # And the other way round.
        ack2 = await clients[receiver.username].send_msg(room["id"], "and back", client_id="x-2")
        back = await clients[sender.username].recv_until(
            "message", pred=lambda f: f.get("id") == ack2["id"], timeout=10)
        assert back["body"] == "and back"
        for c in clients.values():
            await c.close()
        return sender, receiver

    sender, receiver = arun(scenario(), timeout=90)
    # History through nginx holds both, whichever instance answers.
    bodies = [m["body"] for m in api.history(users[0], room["id"])]
    assert bodies[-2:] == ["across the bus", "and back"]
    # nginx logged the requests with the request id it passed to parley, and no token.
    access_log = (directory / "nginx-access.log").read_text()
    assert "rid=" in access_log and "GET /ws " in access_log
    assert users[0].access not in access_log
    # Each instance is scraped on its own and counted its share.
    stored = 0
    for i in instances:
        text = requests.get(i.url("/metrics"), timeout=5).text
        stored += int(float(next(l.split()[1] for l in text.splitlines()
                                 if l.startswith("parley_messages_in_total "))))
    assert stored == 2
