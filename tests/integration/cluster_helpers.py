"""Throwaway PostgreSQL and Redis servers for the cluster tests, on free 127.0.0.1 ports in
temporary directories, stopped and removed by `stop()`. PostgreSQL refuses to run as root: then
it runs as `nobody`, which owns its directory (as in run_on_postgres.sh)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

from parley_client import Fatal, wait_for

PG_BINDIR = Path(os.environ.get("PARLEY_PG_BINDIR", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = Path(os.environ.get("PARLEY_REDIS_SERVER", "/usr/bin/redis-server"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing_binaries() -> list:
    tools = [PG_BINDIR / t for t in ("initdb", "pg_ctl", "postgres", "createdb")] + [REDIS_SERVER]
    return [str(t) for t in tools if not os.access(t, os.X_OK)]


def accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class Postgres:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="parley-cluster-pg-"))
        self.as_pg: list = []
        if os.geteuid() == 0:
            import pwd
            nobody = pwd.getpwnam("nobody")
            os.chown(self.dir, nobody.pw_uid, nobody.pw_gid)
            self.as_pg = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}",
                          "--clear-groups"]
        self.port = 0

    def start(self) -> "Postgres":
        data = self.dir / "data"
        r = subprocess.run([*self.as_pg, str(PG_BINDIR / "initdb"), "-D", str(data), "-U", "parley",
                            "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise AssertionError(f"initdb failed: {r.stdout}{r.stderr}")
        for _ in range(5):  # a free port can be taken before postgres binds it
            self.port = free_port()
            r = subprocess.run([*self.as_pg, str(PG_BINDIR / "pg_ctl"), "-D", str(data), "-l",
                                str(self.dir / "postgres.log"), "-w", "-t", "60", "-o",
                                f"-k {self.dir} -c listen_addresses=127.0.0.1 -p {self.port} "
                                "-c fsync=off -c max_connections=100", "start"],
                               capture_output=True, text=True, timeout=90)
            if r.returncode == 0:
                return self
        log = (self.dir / "postgres.log").read_text(errors="replace")[-3000:]
        raise AssertionError(f"postgres did not start: {log}")

    def create_database(self) -> str:
        """A fresh database; returns its URL."""
        name = "cluster_" + uuid.uuid4().hex[:10]
        env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(self.port), PGUSER="parley")
        r = subprocess.run([str(PG_BINDIR / "createdb"), name], env=env, capture_output=True,
                           text=True, timeout=30)
        if r.returncode != 0:
            raise AssertionError(f"createdb failed: {r.stderr}")
        return f"postgres://parley@127.0.0.1:{self.port}/{name}"

    def stop(self):
        subprocess.run([*self.as_pg, str(PG_BINDIR / "pg_ctl"), "-D", str(self.dir / "data"), "-m",
                        "fast", "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    """redis-server without persistence; stop() and start() again keep its port."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="parley-cluster-redis-"))
        self.port = free_port()
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> "Redis":
        log = open(self.dir / "redis.log", "ab")
        self.proc = subprocess.Popen([str(REDIS_SERVER), "--port", str(self.port), "--bind",
                                      "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
                                      str(self.dir)],
                                     cwd=self.dir, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        log.close()

        def up():
            if self.proc.poll() is not None:
                raise Fatal(f"redis-server exited: {self.log_tail()}")
            return accepts(self.port)

        wait_for(up, timeout, "redis-server to accept connections")
        return self

    def log_tail(self) -> str:
        return (self.dir / "redis.log").read_text(errors="replace")[-2000:]

    def pause(self):
        """SIGSTOP: Redis keeps its connections open (and the kernel accepts new ones) but
        answers nothing, as a hung server does."""
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)  # a paused server cannot act on SIGTERM
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None

    def remove(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
