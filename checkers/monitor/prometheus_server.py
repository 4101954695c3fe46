"""A throwaway Prometheus (Debian's package) scraping one monitor with the project's alert rules: what the end-to-end
test and the bench start. It listens on 127.0.0.1 on a free port, keeps its data in a temporary directory and stops
with the context (terminate, then kill its process group)."""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from checkers import toolchain
from checkers.deployment.fork import free_port
from checkers.errors import ToolMissingError
from checkers.processes import kill_tree

RULES = toolchain.REPO_ROOT / "monitoring" / "prometheus" / "rules.yml"
JOB = "ccperp-monitor"


def binary() -> str:
    found = shutil.which("prometheus")
    if found is None:
        raise ToolMissingError("prometheus not found: Debian package prometheus not installed (./setup.sh installs it)")
    return found


class PrometheusServer:
    def __init__(self, target: str, interval_s: float = 1.0, rules: Path = RULES) -> None:
        self.target = target  # host:port of the monitor's /metrics
        self.interval_s = interval_s
        self.rules = rules
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._dir: tempfile.TemporaryDirectory[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "PrometheusServer":
        self._dir = tempfile.TemporaryDirectory(prefix="verify-prometheus-")
        root = Path(self._dir.name)
        interval = f"{int(self.interval_s * 1000)}ms"
        (root / "prometheus.yml").write_text(json.dumps({  # JSON is YAML
            "global": {"scrape_interval": interval, "evaluation_interval": interval},
            "rule_files": [str(self.rules)],
            "scrape_configs": [{"job_name": JOB, "static_configs": [{"targets": [self.target]}]}]}))
        self.port = free_port()
        self._log = (root / "prometheus.log").open("wb")
        self._proc = subprocess.Popen(
            [binary(), f"--config.file={root / 'prometheus.yml'}", f"--storage.tsdb.path={root / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--storage.tsdb.retention.time=1d"],
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while not self._ready():
            if self._proc.poll() is not None or time.monotonic() > deadline:
                log = (root / "prometheus.log").read_text(errors="replace")[-2000:]
                self.__exit__(None, None, None)
                raise RuntimeError(f"prometheus did not start: {log}")
            time.sleep(0.2)
        return self

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                kill_tree(self._proc.pid)
                self._proc.wait(timeout=10)
            self._proc = None
        if getattr(self, "_log", None):
            self._log.close()
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

    def api(self, path: str, **params: Any) -> Any:
        query = urllib.parse.urlencode(params)
        with urllib.request.urlopen(f"{self.url}/api/v1/{path}?{query}", timeout=30) as response:
            body = json.loads(response.read())
        if body.get("status") != "success":
            raise RuntimeError(f"prometheus {path}: {body}")
        return body["data"]

    def value(self, expr: str) -> float | None:
        """The single value of an instant query (None when it has no series)."""
        result = self.api("query", query=expr)["result"]
        return float(result[0]["value"][1]) if result else None

    def firing(self, start: float, end: float) -> dict[str, list[float]]:
        """alertname -> the wall times (epoch seconds) at which it was firing between start and end."""
        data = self.api("query_range", query='ALERTS{alertstate="firing"}', start=f"{start:.3f}", end=f"{end:.3f}",
                        step=f"{self.interval_s:g}s")
        out: dict[str, list[float]] = {}
        for series in data["result"]:
            out.setdefault(series["metric"]["alertname"], []).extend(float(t) for t, _ in series["values"])
        return out

    def wait_for(self, expr: str, timeout_s: float = 60) -> float:
        """Waits until `expr` has a value (e.g. `ccperp_monitor_block >= 120`); returns it."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = self.value(expr)
            if found is not None:
                return found
            time.sleep(self.interval_s / 2)
        raise TimeoutError(f"prometheus: no value for {expr} within {timeout_s:.0f} s")
