"""The compose stack without Docker (scripts/local-stack.sh): PostgreSQL, Redis, two (and three)
parley instances and nginx with the shipped site pieces, on loopback. Chat traffic goes through
nginx, lands on every instance, and crosses between them."""

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


@pytest.fixture(params=[2, 3], ids=["2-instances", "3-instances"])
def stack(request, tmp_path):
    for tool in ("nginx", "redis-server"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed (scripts/install-deps.sh test)")
    directory = tmp_path / "stack"
    env = dict(os.environ, PARLEY_BIN=str(binary_path()), INSTANCES=str(request.param))
    r = subprocess.run([str(SCRIPT), "start", str(directory)], env=env, capture_output=True,
                       text=True, timeout=180)
    try:
        assert r.returncode == 0, f"local-stack start failed:\n{r.stdout}\n{r.stderr}"
        values = dict(line.split("=", 1) for line in (directory / "stack.env").read_text().split())
        yield values, directory, request.param
    finally:
        subprocess.run([str(SCRIPT), "stop", str(directory)], env=env, capture_output=True,
                       timeout=120)


def connections_by_user(instance: Endpoint, admin) -> dict:
    r = instance.api.get("/api/admin/connections?limit=200", admin.access)
    assert r.status_code == 200, r.text
    return {c["user"]["username"]: c for c in r.json()["connections"]}


@pytest.mark.timeout_s(180)
def test_chat_through_nginx_reaches_every_instance_and_crosses(stack):
    values, directory, n = stack
    front = Endpoint(values["NGINX_URL"])
    instances = [Endpoint(values[f"PARLEY_{i}_URL"]) for i in range(1, n + 1)]
    api = front.api
    admin = api.register(unique("admin"))  # the first account: admin
    users = [api.register(unique("u")) for _ in range(3 * n)]
    room = api.create_room(users[0])
    for u in users[1:]:
        assert api.join_room(u, room["id"]).status_code == 200

    async def scenario():
        clients = {}
        for u in users:
            clients[u.username] = await ws_connect(front, u.access, name=u.username)
            await clients[u.username].join(room["id"])
        # least_conn spreads the WebSockets over the instances; each says which are its own.
        where = [connections_by_user(i, admin) for i in instances]
        on = [[u for u in users if u.username in w] for w in where]
        assert all(on), f"an instance without connections: {[len(o) for o in on]}"
        for w in where:  # the client address is nginx's X-Forwarded-For, believed from 127.0.0.1
            assert all(c["address"] == "127.0.0.1" and c["rooms"] == [room["id"]] for c in w.values())
        # A message sent on each instance reaches a client on every other one.
        for k, local in enumerate(on):
            sender = local[0]
            ack = await clients[sender.username].send_msg(room["id"], f"from instance {k + 1}",
                                                          client_id=f"x-{k}")
            assert ack["type"] == "ack", ack
            for other in (o for j, o in enumerate(on) if j != k):
                got = await clients[other[0].username].recv_until(
                    "message", pred=lambda f: f.get("id") == ack["id"], timeout=10)
                assert got["body"] == f"from instance {k + 1}"
                assert got["from"]["username"] == sender.username
        for c in clients.values():
            await c.close()

    arun(scenario(), timeout=90)
    # History through nginx holds them all, whichever instance answers.
    bodies = [m["body"] for m in api.history(users[0], room["id"])]
    assert bodies[-n:] == [f"from instance {k + 1}" for k in range(n)]
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
    assert stored == n
