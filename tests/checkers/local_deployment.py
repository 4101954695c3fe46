"""tools/deploy_local.sh --keep, for the tests that need the platform deployed on a throwaway anvil: a free port, a
deployment file of the test's own (removed afterwards), and anvil killed with its process tree whatever happens."""
from __future__ import annotations

import os
import re
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from checkers import toolchain
from checkers.deployment.fork import free_port
from checkers.processes import kill_tree


@contextmanager
def deploy_local(name: str) -> Iterator[tuple[str, Path, str]]:
    """Yields (RPC URL, deployment file, deploy_local's stdout); `name` keeps concurrent tests' files apart."""
    toolchain.anvil()
    relative = f"deployments/{name}-{os.getpid()}.json"
    written = toolchain.PLATFORM_PROJECT / relative
    port = free_port()
    proc = subprocess.run([str(toolchain.REPO_ROOT / "tools" / "deploy_local.sh"), "--keep"], cwd=toolchain.REPO_ROOT,
                          env=toolchain.tool_env() | {"DEPLOYMENT_FILE": relative, "PORT": str(port)},
                          capture_output=True, text=True, timeout=900)
    pid = re.search(r"\(pid (\d+)\)", proc.stdout)
    try:
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        yield f"http://127.0.0.1:{port}", written, proc.stdout
    finally:
        if pid:
            kill_tree(int(pid.group(1)))
        written.unlink(missing_ok=True)
