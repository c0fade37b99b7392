"""Private servers for the fault tests: a redis-server and a PostgreSQL 15 cluster that the
tests stop and start at will, on free ports, never touching the suite's own services.

Skipped with a stated reason where the binaries are absent (a laptop); CI (Debian with
redis-server and postgresql-15) runs them.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = shutil.which("redis-server")
BASE_DIR = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=20.0, up=True) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return True
        except OSError:
            if not up:
                return True
        time.sleep(0.05)
    return False


class PrivateRedis:
    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for_port(self.port), "private redis-server did not start"

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        assert wait_for_port(self.port, up=False, timeout=5)

    def flush(self):
        import redis

        redis.Redis(port=self.port).flushall()


@pytest.fixture
def private_redis(tmp_path):
    if not REDIS_SERVER:
        pytest.skip("fault tests need redis-server on PATH (apt-get install redis-server)")
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _as_postgres(args, **kwargs):
    """PostgreSQL refuses to run as root: run its tools as the postgres OS user then."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


class PrivateCluster:
    """A throw-away PostgreSQL 15 cluster: trust auth, fsync off, on a free port."""

    def __init__(self):
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="ma-faults-pg-"))
        self.data = self.root / "data"
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        _as_postgres(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )

    def url(self, name="faults"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self):
        _as_postgres(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.root / "server.log"),
                "-w",
                "-t",
                "30",
                "-o",
                f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100",
                "start",
            ]
        )

    def stop(self, mode="fast"):
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])

    def psql(self, sql, db="postgres"):
        return _as_postgres(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                db,
                "-tAc",
                sql,
            ]
        ).stdout.strip()

    def destroy(self):
        try:
            self.stop(mode="immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def private_cluster():
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"fault tests need PostgreSQL 15 server binaries in {PG_BIN}")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        pytest.skip("running as root needs runuser to start PostgreSQL as the postgres user")
    cluster = PrivateCluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.destroy()


def site_environment(database_url, **extra) -> dict:
    """The environment of a gunicorn or Celery process of the platform under test."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "CELERY_BROKER_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=database_url,
        CONN_MAX_AGE="60",
        # every request comes from 127.0.0.1: lift the per-source limit for these tests
        FEEDBACK_RATE_LIMIT="100000000",
        MEDIA_ROOT=str(Path(tempfile.gettempdir()) / "ma-faults-media"),
        DEBUG="false",
    )
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def site_database(private_cluster):
    """A migrated database on the private cluster with one active unit to rate."""
    private_cluster.psql("CREATE DATABASE faults")
    url = private_cluster.url()
    env = site_environment(url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )
    script = (
        "from units.models import Unit, UnitCategory;"
        "c, _ = UnitCategory.objects.get_or_create(code='service',"
        " defaults={'name': '窗口服务类'});"
        "Unit.objects.get_or_create(slug='fault-hall', defaults={'name': '省政务服务中心',"
        " 'short_name': '政务中心', 'category': c})"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )
    return url


@contextmanager
def gunicorn(
    database_url, *, workers=2, threads=1, timeout=20, extra_env=None, log=None, access_log=None
):
    """gunicorn serving the platform on a free port; yields the base URL."""
    port = free_port()
    env = site_environment(database_url, **(extra_env or {}))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            str(timeout),
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
            *(["--access-logfile", str(access_log)] if access_log else []),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=open(log, "wb") if log else subprocess.DEVNULL,  # noqa: SIM115
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert wait_for_port(port, timeout=30), "gunicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def celery_broker(url):
    """Send tasks from this process to ``url`` (not eager) and restore everything after."""
    from config.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager, app._pool)
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield app
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url, app.conf.task_always_eager, app._pool = saved
        app.amqp._producer_pool = None


def needs_postgres_test_database():
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): a worker process cannot share SQLite")
    user = db.get("USER") or "postgres"
    auth = f"{user}:{db['PASSWORD']}" if db.get("PASSWORD") else user
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
