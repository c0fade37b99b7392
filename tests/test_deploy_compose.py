import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import yaml
from django.conf import settings


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port, process):
    for _ in range(200):
        if process.poll() is not None:
            return
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)


def test_web_healthcheck_passes_under_production_settings(tmp_path):
    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
    command = compose["services"]["web"]["healthcheck"]["test"]
    assert command[0] == "CMD"
    port = _free_port()
    healthcheck = [
        sys.executable if part == "python" else part.replace(":8000/", f":{port}/")
        for part in command[1:]
    ]
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 30 + "a-real-looking-secret-key-9f8e7d6c5b4a",
        "ALLOWED_HOSTS": "mofan.example.org,www.mofan.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'health.sqlite3'}",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_port(port, server)
        result = subprocess.run(
            healthcheck, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
        )
    finally:
        server.terminate()
        _, server_log = server.communicate(timeout=30)
    assert result.returncode == 0, result.stderr + server_log.decode()


def test_env_file_never_enters_the_image():
    patterns = (Path(settings.BASE_DIR) / ".dockerignore").read_text().split()
    assert ".env" in patterns
    assert ".env.*" in patterns
