"""One server per SQLite database: a second server on the same data directory waits for the
first to exit (an overlapping restart), and gives up with a clear error if it does not."""

import os
import subprocess
import threading

import pytest

from parley_client import ParleyServer, binary_path

pytestmark = pytest.mark.skipif(
    "--database" in os.environ.get("PARLEY_EXTRA_FLAGS", ""),
    reason="the lock guards SQLite databases; PostgreSQL serves several instances")


def test_restart_that_overlaps_the_old_server_waits_for_it(server_factory, tmp_path):
    data_dir = tmp_path / "lock-data"
    old = server_factory([], data_dir=data_dir)
    user = old.api.register()

    new = ParleyServer(tmp_path / "new", data_dir=data_dir)
    started = {}

    def start_new():
        try:
            started["server"] = new.start(timeout=30)
        except BaseException as exc:  # reported by the main thread
            started["error"] = exc

    thread = threading.Thread(target=start_new)
    thread.start()
    try:
        # The new server has not opened the database: it cannot serve while the old one holds it.
        thread.join(1.0)
        assert thread.is_alive(), f"the new server started beside the old one: {started}"
        assert new.proc is not None and new.proc.poll() is None
        old.stop()
        thread.join(30)
        assert "error" not in started, started.get("error")
        assert started.get("server") is new
        r = new.api.login(user.username)
        assert r.status_code == 200, r.text
    finally:
        new.kill()
        thread.join(5)


@pytest.mark.timeout_s(90)
def test_second_server_on_a_database_in_use_exits_with_a_clear_error(server_factory, tmp_path):
    data_dir = tmp_path / "busy-data"
    first = server_factory([], data_dir=data_dir)
    user = first.api.register()
    r = subprocess.run([str(binary_path()), "--listen", "127.0.0.1:0", "--data-dir", str(data_dir)],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert f"another parley server (pid {first.proc.pid})" in r.stderr, r.stderr
    # The first one never noticed.
    assert first.api.login(user.username).status_code == 200
