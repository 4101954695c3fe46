"""A throwaway local deployment (tools/deploy_local.sh --keep on a free port) for tests and benches: the RPC URL and
the deployment file while the context lasts; anvil is stopped and the file removed on every exit path."""
from __future__ import annotations

import os
import re
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, NamedTuple

from checkers import toolchain
from checkers.deployment.fork import free_port
from checkers.processes import kill_tree


class LocalDeployment(NamedTuple):
    rpc_url: str
    file: Path
    stdout: str  # deploy_local's output (addresses, the handover)


@contextmanager
def local_deployment(name: str = "local", timeout_s: float = 900) -> Iterator[LocalDeployment]:
    """`name` keeps concurrent users' deployment files apart (with the process id)."""
    toolchain.anvil()  # a missing toolchain fails here with its own message
    relative = f"deployments/{name}-{os.getpid()}.json"
    written = toolchain.PLATFORM_PROJECT / relative
    port = free_port()
    proc = subprocess.run([str(toolchain.REPO_ROOT / "tools" / "deploy_local.sh"), "--keep"], cwd=toolchain.REPO_ROOT,
                          env=toolchain.tool_env() | {"DEPLOYMENT_FILE": relative, "PORT": str(port)},
                          capture_output=True, text=True, timeout=timeout_s)
    pid = re.search(r"\(pid (\d+)\)", proc.stdout)
    try:
        if proc.returncode != 0:
            raise RuntimeError(f"deploy_local failed: {proc.stdout[-3000:]}{proc.stderr[-3000:]}")
        yield LocalDeployment(f"http://127.0.0.1:{port}", written, proc.stdout)
    finally:
        if pid:
            kill_tree(int(pid.group(1)))
        written.unlink(missing_ok=True)
