"""Fixtures for the black-box integration tests: the real server, users, per-test timeouts."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parley_client import ParleyServer, binary_path  # noqa: E402

# Module servers raise the limits that would otherwise get in the way of functional tests; the
# tests of those limits start their own server with small values.
RELAXED_FLAGS = [
    "--rate-limit-per-second", "100000", "--rate-limit-burst", "100000",
    "--rate-limit-abuse-count", "1000000",
    "--login-max-failures-ip", "100000",
]
DEFAULT_TEST_TIMEOUT_S = 60


def merge_flags(base, override):
    """`--name value` pairs of base, minus those that override sets (the server refuses repeats)."""
    names = {f for f in override if f.startswith("--")}
    out, i = [], 0
    while i < len(base):
        if base[i] in names:
            i += 2
            continue
        out.append(base[i])
        i += 1
    return out + list(override)


class TestTimeout(Exception):
    pass


def pytest_configure(config):
    config.addinivalue_line("markers", "timeout_s(n): per-test wall-clock limit in seconds")


def _on_alarm(signum, frame):
    raise TestTimeout("test exceeded its wall-clock limit (see @pytest.mark.timeout_s)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """A global per-test deadline (setup + call + teardown) via SIGALRM: no test may hang."""
    marker = item.get_closest_marker("timeout_s")
    limit = int(marker.args[0]) if marker else DEFAULT_TEST_TIMEOUT_S
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(limit)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attach the tail of the server logs to a failing test's report."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        servers = [s for s in getattr(item, "parley_servers", []) if s is not None]
        servers += getattr(item, "parley_factory_servers", [])
        for i, srv in enumerate(servers):
            report.sections.append((f"parley server {i} log", srv.log_tail(30)))


@pytest.fixture(scope="session")
def parley_bin():
    path = binary_path()
    if not path.exists():
        pytest.fail(f"server binary not found at {path}; build it or set PARLEY_BIN")
    return path


@pytest.fixture(scope="module")
def _module_server(request, parley_bin, tmp_path_factory):
    """One server per test module, with the module's SERVER_FLAGS; its first user is the admin."""
    flags = merge_flags(RELAXED_FLAGS, list(getattr(request.module, "SERVER_FLAGS", [])))
    srv = ParleyServer(tmp_path_factory.mktemp("srv"), flags).start()
    try:
        srv.admin = srv.api.register()
        yield srv
        srv.stop()
    finally:
        srv.kill()


@pytest.fixture
def server(request, _module_server):
    """The module server; the test fails if the server crashed while it ran."""
    if not _module_server.alive():
        # An earlier test crashed it and was reported; restart on the same data for the rest.
        _module_server.start()
    request.node.parley_servers = [_module_server]
    yield _module_server
    _module_server.check_alive()


@pytest.fixture
def api(server):
    return server.api


@pytest.fixture
def admin(server):
    return server.admin


@pytest.fixture(scope="module")
def users(_module_server):
    """Three ordinary accounts shared by the tests of a module (each test makes its own rooms)."""
    api = _module_server.api
    return [api.register() for _ in range(3)]


@pytest.fixture
def alice(users):
    return users[0]


@pytest.fixture
def bob(users):
    return users[1]


@pytest.fixture
def carol(users):
    return users[2]


@pytest.fixture
def server_factory(request, parley_bin, tmp_path):
    """Start extra servers with special flags; all are stopped (and crash-checked) afterwards."""
    started: list[ParleyServer] = []
    request.node.parley_servers = getattr(request.node, "parley_servers", []) + [None]
    request.node.parley_factory_servers = started

    def start(flags=(), data_dir=None, relaxed=True, register_admin=True, log_level="warn",
              env=None) -> ParleyServer:
        all_flags = merge_flags(RELAXED_FLAGS if relaxed else [], list(flags))
        srv = ParleyServer(tmp_path / f"srv{len(started)}", all_flags, data_dir=data_dir,
                           log_level=log_level, env=env).start()
        started.append(srv)
        if register_admin:
            srv.admin = srv.api.register()
        return srv

    yield start
    errors = []
    for srv in started:
        try:
            if srv.proc is not None and srv.proc.poll() is None:
                srv.stop()
            else:
                srv.check_alive()
        except AssertionError as exc:
            errors.append(str(exc))
        finally:
            srv.kill()
    if errors:
        pytest.fail("\n".join(errors))
