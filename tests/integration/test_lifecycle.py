"""Lifecycle: SIGHUP reopens the log file and reloads API keys, allowed origins and the log
level from the config file; SIGTERM drains within --shutdown-timeout."""

import json
import signal
import time

import pytest
import requests

from parley_client import RawWs, wait_for


def publish_status(srv, key: str, room: int) -> int:
    return requests.post(srv.url("/api/publish"), json={"room": room, "event": "e", "data": {}},
                         headers={"Authorization": f"Bearer {key}"}, timeout=5).status_code


def upgrade_status(srv, token: str, origin: str) -> int:
    c = RawWs(srv)
    try:
        return c.handshake(f"/ws?token={token}", {"Origin": origin})
    finally:
        c.close()


def hangup_and_wait(srv, what: str, count_before: int):
    srv.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: srv.log_text().count(what) > count_before, 10, what)


@pytest.mark.timeout_s(60)
def test_sighup_reloads_api_keys_origins_and_log_level_from_the_config_file(server_factory, tmp_path):
    cfg = tmp_path / "parley.conf"
    cfg.write_text("api-key = first=key-one\nallowed-origin = http://one.example\n")
    srv = server_factory(["--config", str(cfg)], log_level="info")
    u = srv.api.register()
    room = srv.api.create_room(u)
    assert publish_status(srv, "key-one", room["id"]) == 202
    assert publish_status(srv, "key-two", room["id"]) == 401
    assert upgrade_status(srv, u.access, "http://one.example") == 101
    assert upgrade_status(srv, u.access, "http://two.example") == 403

    cfg.write_text("api-key = second=key-two\nallowed-origin = http://two.example\n")
    hangup_and_wait(srv, "SIGHUP: configuration reloaded", 0)
    assert publish_status(srv, "key-two", room["id"]) == 202
    assert publish_status(srv, "key-one", room["id"]) == 401
    assert upgrade_status(srv, u.access, "http://two.example") == 101
    assert upgrade_status(srv, u.access, "http://one.example") == 403

    # A broken file is refused as a whole: what was loaded stays, the server serves on.
    cfg.write_text("api-key = broken\n")
    hangup_and_wait(srv, "SIGHUP: configuration not reloaded", 0)
    assert publish_status(srv, "key-two", room["id"]) == 202
    assert srv.alive()


@pytest.mark.timeout_s(60)
def test_sighup_reopens_the_log_file_and_applies_the_log_level(server_factory, tmp_path):
    cfg = tmp_path / "parley.conf"
    cfg.write_text("log-level = warn\n")
    log = tmp_path / "parley.log"
    # No --log-level flag (it would outrank the file): the file's level rules.
    srv = server_factory(["--config", str(cfg), "--log-file", str(log)], log_level=None,
                         register_admin=False)
    requests.get(srv.url("/healthz"), headers={"X-Request-Id": "before-rotate"}, timeout=5)
    assert "before-rotate" not in log.read_text()               # warn: no request lines
    rotated = tmp_path / "parley.log.1"
    log.rename(rotated)                                         # what logrotate does
    cfg.write_text("log-level = info\n")
    srv.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: log.exists() and "configuration reloaded" in log.read_text(), 10,
             "the reload line in the reopened file")
    requests.get(srv.url("/healthz"), headers={"X-Request-Id": "after-rotate"}, timeout=5)
    wait_for(lambda: "after-rotate" in log.read_text(), 5, "a request line at info")
    assert "after-rotate" not in rotated.read_text()
    for line in log.read_text().splitlines():
        json.loads(line)


@pytest.mark.timeout_s(60)
def test_sigterm_finishes_within_the_shutdown_timeout_even_with_a_peer_that_never_closes(
        server_factory):
    srv = server_factory(["--shutdown-timeout", "2"])
    u = srv.api.register()
    # Peers that never answer the server's close frame: without the deadline the server would
    # wait 5 s for each of them.
    stubborn = []
    for _ in range(3):
        c = RawWs(srv)
        assert c.handshake(f"/ws?token={u.access}") == 101
        stubborn.append(c)
    started = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    srv.stopping = True
    rc = srv.proc.wait(15)
    elapsed = time.monotonic() - started
    for c in stubborn:
        c.close()
    assert rc == 0, srv.log_tail()
    assert elapsed < 4.0, f"took {elapsed:.1f} s with --shutdown-timeout 2"
    assert "shutdown deadline passed" in srv.log_text()
