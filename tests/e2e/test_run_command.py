"""`make run`'s process runner: honcho brings up all four processes and one Ctrl-C stops them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests

from bot.config import PROJECT_ROOT, get_settings
from bot.ops.model import ensure_model
from bot.ops.stack import free_port
from bot.store.migrate import upgrade


def test_honcho_starts_everything_and_ctrl_c_stops_everything(tmp_path):
    ensure_model()
    database_url = f"sqlite:///{tmp_path / 'run.db'}"
    upgrade(database_url)
    desk_port = free_port()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": database_url,
        "MODEL_CACHE_DIR": str(get_settings().model_cache_dir),
        "RASA_PORT": str(free_port()),
        "ACTIONS_PORT": str(free_port()),
        "DESK_PORT": str(desk_port),
    }
    for key in ("RASA_URL", "ACTION_SERVER_URL", "REDIS_URL"):
        env.pop(key, None)
    log_path = tmp_path / "honcho.log"
    log = open(log_path, "wb")
    honcho = subprocess.Popen(
        [str(Path(sys.executable).parent / "honcho"), "start", "-f", "Procfile"],
        cwd=PROJECT_ROOT, env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 240
        health = None
        while time.monotonic() < deadline:
            try:
                health = requests.get(f"http://127.0.0.1:{desk_port}/healthz", timeout=2).json()
            except (requests.RequestException, ValueError):
                health = None
            if health and health["status"] == "ok":
                break
            assert honcho.poll() is None, log_path.read_text(errors="replace")[-3000:]
            time.sleep(0.5)
        assert health and health["status"] == "ok", health
        children = psutil.Process(honcho.pid).children(recursive=True)
        assert len(children) >= 4

        os.killpg(honcho.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
        honcho.wait(timeout=60)
        gone, alive = psutil.wait_procs(children, timeout=30)
        assert not alive, [p.cmdline() for p in alive]
    finally:
        if honcho.poll() is None:
            os.killpg(honcho.pid, signal.SIGKILL)
