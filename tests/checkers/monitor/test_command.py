"""`verify monitor` on bad input: one line naming what and where, exit 2, no traceback, nothing left running."""
from __future__ import annotations

import json

import pytest

from checkers import cli
from checkers.deployment.fork import free_port


@pytest.mark.parametrize("argv, expected", [
    (["--deployment", "missing.json"], "--deployment missing.json: no such file"),
    (["--deployment", "{deployment}", "--listen", "localhost"], "--listen localhost: expected HOST:PORT"),
    (["--deployment", "{deployment}", "--poll", "0"], "--poll and --page-size must be positive"),
    (["--deployment", "{deployment}"], "cannot read the chain"),  # nothing listens on the RPC port
])
def test_bad_input_is_one_line_and_exit_2(argv, expected, tmp_path, capsys) -> None:
    deployment = tmp_path / "d.json"
    deployment.write_text(json.dumps({"stacks": {}, "chainId": 31337, "chainSelector": 1, "router": "0x" + "1" * 40,
                                      "link": "0x" + "2" * 40, "usdc": "0x" + "3" * 40,
                                      "automationRegistry": "0x" + "4" * 40, "deployer": "0x" + "5" * 40}))
    argv = [a.replace("{deployment}", str(deployment)) for a in argv]
    code = cli.main(["monitor", "--rpc-url", f"http://127.0.0.1:{free_port()}", *argv])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and expected in err[0], err
    assert "Traceback" not in "\n".join(err)
