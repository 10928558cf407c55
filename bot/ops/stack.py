"""Start the four processes of the Procfile with a given environment, wait until they are
healthy, and stop them. Used by the end-to-end tests and `make bench`; `make run` uses honcho
on the same Procfile, so there is one definition of how each process starts.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from bot.config import PROJECT_ROOT

PROCFILE = PROJECT_ROOT / "Procfile"


def procfile_commands(path: Path = PROCFILE) -> dict[str, str]:
    commands: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, command = line.split(":", 1)
            commands[name.strip()] = command.strip()
    return commands


# Below Linux's ephemeral range (32768+), so an outgoing connection made while the stack
# starts cannot take the port between choosing it and the server binding it.
PORT_RANGE = (20000, 32000)


def free_port() -> int:
    """A port nothing listens on now, from outside the ephemeral range."""
    for _ in range(200):
        port = random.randint(*PORT_RANGE)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free local port found")


class Stack:
    """The running assistant on free local ports, with logs in `log_dir`."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.log_dir = log_dir
        self.env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "RASA_PORT": str(free_port()),
            "ACTIONS_PORT": str(free_port()),
            "DESK_PORT": str(free_port()),
            "TF_CPP_MIN_LOG_LEVEL": "2",
            **env,
        }
        for key in ("RASA_URL", "ACTION_SERVER_URL"):
            if key not in env:
                self.env.pop(key, None)
        self.commands = procfile_commands()
        self.processes: dict[str, subprocess.Popen] = {}

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.env['RASA_PORT']}"

    @property
    def desk_url(self) -> str:
        return f"http://127.0.0.1:{self.env['DESK_PORT']}"

    def start_process(self, name: str) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            ["bash", "-c", f"exec {self.commands[name]}"],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start(self, timeout_s: float = 240) -> float:
        """Start everything; return seconds until /healthz reported every dependency up."""
        started = time.monotonic()
        for name in self.commands:
            self.start_process(name)
        self.wait_healthy(timeout_s)
        return time.monotonic() - started

    def health(self) -> dict | None:
        try:
            return requests.get(f"{self.desk_url}/healthz", timeout=3).json()
        except (requests.RequestException, ValueError):
            return None

    def wait_healthy(self, timeout_s: float = 240) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited ({process.returncode}): {self.tail(name)}")
            health = self.health()
            if health and health.get("status") == "ok":
                return
            time.sleep(0.5)
        raise TimeoutError(f"stack not healthy after {timeout_s}s: {self.health()}")

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.log_dir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop_process(self, name: str, sig: int = signal.SIGTERM, timeout_s: float = 20) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop(self) -> None:
        for name in list(self.processes):
            self.stop_process(name)

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
