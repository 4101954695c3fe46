"""`--shard K/N` and `verify merge` (issue 13): shards 1..N of a run, merged, give the results of one run."""
from __future__ import annotations

import json
from pathlib import Path

import fake_engine
import pytest
from test_cli import _stable
from verify_fixtures import env, one_line_error, spec, tiny_built  # noqa: F401 - fixtures

from checkers import cli
from checkers.shard import Shard, in_shard, parse_shard


def _specs() -> list:
    """Five checks: FIX-03 on two engines, FIX-04 on fake2 only (so a spec's checks can sit in two shards)."""
    fake_engine.BEHAVIOUR.setdefault("FIX-04", "proved")
    return [spec("FIX-01", accepted_risk="documented shortfall, covered by insurance"),
            spec("FIX-02", ("Vault",)), spec("FIX-03", ("Counter", "Vault"), engines_=("fake", "fake2")),
            spec("FIX-04", ("Vault",), engines_=("fake2",))]


def _run(env, out: Path, *extra: str) -> tuple[int, dict]:
    argv = [w if w != str(env.out) else str(out) for w in env.argv("all")]
    code = cli.main([*argv, *extra])
    return code, json.loads((out / "results.json").read_text())


def _shards(env, tmp_path, n: int, *extra: str) -> list[tuple[int, dict]]:
    return [_run(env, tmp_path / f"shard{k}", "--shard", f"{k}/{n}", *extra) for k in range(1, n + 1)]


def test_parse_shard() -> None:
    assert parse_shard("1/2") == Shard(1, 2) and str(parse_shard(" 3 / 4 ")) == "3/4"
    for bad in ("0/2", "3/2", "1/0", "a/b", "1", "-1/2", "1.5/2", "1/2/3"):
        with pytest.raises(ValueError):
            parse_shard(bad)


def test_every_check_is_in_exactly_one_shard_and_engines_spread() -> None:
    keys = [(f"S-{i:02d}", engine, "platform") for i in range(10) for engine in ("slow", "fast")]
    for n in (1, 2, 3, 7, 25):
        members = [in_shard(keys, Shard(k, n)) for k in range(1, n + 1)]
        assert all(sum(column) == 1 for column in zip(*members)), n
        for engine in ("slow", "fast"):  # each engine's checks spread evenly: sizes differ by at most one
            sizes = [sum(m for m, key in zip(member, keys) if key[1] == engine) for member in members]
            assert max(sizes) - min(sizes) <= 1, (n, engine, sizes)
    assert in_shard(keys, Shard(1, 2)) == in_shard(list(keys), Shard(1, 2))  # deterministic


@pytest.mark.parametrize("behaviour, code", [("violated", 1), ("proved", 0), ("unknown", 3)])
def test_shards_merged_equal_one_run(env, tmp_path, capsys, behaviour, code) -> None:
    """The acceptance test: `--shard 1/2` + `--shard 2/2` + `verify merge` == one run, modulo timings."""
    fake_engine.BEHAVIOUR.update({"FIX-01": "violated", "FIX-02": "bounded", "FIX-03": "proved",
                                  "FIX-04": behaviour})
    fake_engine.OtherChecker.OTHER.update({"FIX-03": "unknown"})
    env.set_specs(_specs())
    single_code, single = _run(env, tmp_path / "single", "--no-cache")
    shards = _shards(env, tmp_path, 2, "--no-cache")
    assert single_code == code
    assert [d["shard"]["index"] for _, d in shards] == [1, 2]
    assert sorted(len(d["findings"]) for _, d in shards) == [2, 3]  # 5 checks, split 3 + 2
    merged_out = tmp_path / "merged"
    capsys.readouterr()
    assert cli.main(["merge", str(tmp_path / "shard1"), str(tmp_path / "shard2" / "results.json"),
                     "--out", str(merged_out)]) == code
    assert f"exit code {code}" in capsys.readouterr().out
    merged = json.loads((merged_out / "results.json").read_text())
    assert merged["shard"] is None and merged["stats"]["shards"] == 2
    assert "merged from 2 shards" in (merged_out / "report.md").read_text()
    assert _stable(merged) == _stable(single)
    assert sorted(p.name for p in merged_out.iterdir()) == ["junit.xml", "report.html", "report.md", "results.json",
                                                            "results.sarif"]
    for name in ("junit.xml", "results.sarif"):  # the same report as one run's, but for timings and dates
        assert _scrub((merged_out / name).read_text()) == _scrub((tmp_path / "single" / name).read_text())


def _scrub(text: str) -> str:
    import re

    text = re.sub(r'time="[0-9.]+"', 'time=""', text)
    text = re.sub(r'timestamp="[^"]*"', 'timestamp=""', text)
    text = re.sub(r'"(startTimeUtc|endTimeUtc)": "[^"]*"', r'"\1": ""', text)
    text = re.sub(r'"duration_s": [0-9.e-]+', '"duration_s": 0', text)
    return re.sub(r"\d+\.\d+ s\b", "N s", text)


def test_a_shards_verdicts_and_exit_code_are_its_own(env, tmp_path) -> None:
    fake_engine.BEHAVIOUR.update({"FIX-02": "violated"})
    env.set_specs(_specs())
    shards = _shards(env, tmp_path, 2)
    for code, data in shards:
        ids = {f["spec_id"] for f in data["findings"]}
        assert [s["id"] for s in data["specs"]] == [s for s in data["shard"]["spec_ids"] if s in ids]
        assert code == (1 if "FIX-02" in ids else 0) == data["exit_code"]
        assert data["shard"]["planned_checks"] == 5
    assert sorted(code for code, _ in shards) == [0, 1]
    for k, (_, data) in enumerate(shards, 1):  # every report says it covers one shard only
        line = f"shard {k}/2: {len(data['findings'])} of 5 planned checks; verdicts and exit code cover this shard"
        assert line in (tmp_path / f"shard{k}" / "report.md").read_text().replace("\\", "")
        assert line in (tmp_path / f"shard{k}" / "report.html").read_text()


def test_an_empty_shard_writes_valid_results(env, tmp_path) -> None:
    from jsonschema import Draft202012Validator

    from checkers import toolchain

    schema = json.loads((toolchain.REPO_ROOT / "reports" / "schemas" / "results.schema.json").read_text())
    env.set_specs([spec("FIX-01")])
    (ok, full), (empty_code, empty) = _shards(env, tmp_path, 2)
    assert (len(full["findings"]), len(empty["findings"])) == (1, 0)
    assert empty_code == 0 and empty["specs"] == [] and empty["exit_code"] == 0
    Draft202012Validator(schema).validate(empty)
    Draft202012Validator(schema).validate(full)
    assert cli.main(["merge", str(tmp_path / "shard1"), str(tmp_path / "shard2"), "--out",
                     str(tmp_path / "m")]) == 0


def test_shard_on_check(env, tmp_path) -> None:
    env.set_specs(_specs())
    argv = [w if w != str(env.out) else str(tmp_path / "c1") for w in env.argv("check", "FIX-03", "FIX-04")]
    assert cli.main([*argv, "--shard", "1/2"]) == 0
    data = json.loads((tmp_path / "c1" / "results.json").read_text())
    assert data["command"] == "check" and data["shard"]["planned_checks"] == 3 and len(data["findings"]) == 2


# ---- bad input: one line, exit 2 -----------------------------------------------------------------------
@pytest.mark.parametrize("value", ["3/2", "0/1", "x", "1/0"])
def test_bad_shard_value(env, capsys, value) -> None:
    assert cli.main([*env.argv("all"), "--shard", value]) == 2
    assert "--shard" in one_line_error(capsys)


def test_shard_is_not_an_option_of_mutants(env, capsys) -> None:
    assert cli.main([*env.argv("mutants"), "--shard", "1/2"]) == 2
    assert "unrecognized arguments: --shard 1/2" in one_line_error(capsys)


def test_merge_rejects_what_is_not_one_plan(env, tmp_path, capsys) -> None:
    env.set_specs(_specs())
    _shards(env, tmp_path, 2)
    s1, s2 = tmp_path / "shard1", tmp_path / "shard2"
    out = ["--out", str(tmp_path / "merged")]

    def error(*inputs: Path) -> str:
        assert cli.main(["merge", *map(str, inputs), *out]) == 2
        return one_line_error(capsys)

    assert "shard 2/2 missing" in error(s1)
    assert "shard 1/2 given twice" in error(s1, s1 / "results.json")
    assert "no results.json there" in error(tmp_path / "nowhere")
    _run(env, tmp_path / "single")
    assert "not a sharded run" in error(tmp_path / "single", s2)
    _run(env, tmp_path / "three", "--shard", "3/3")
    assert "is shard 3/3" in error(s1, s2, tmp_path / "three")

    def altered(name: str, change) -> Path:
        data = json.loads((s2 / "results.json").read_text())
        change(data)
        (tmp_path / name).mkdir()
        (tmp_path / name / "results.json").write_text(json.dumps(data))
        return tmp_path / name

    old = altered("old", lambda d: d.update(schema_version="1.0"))
    assert "schema_version '1.0' is not supported" in error(s1, old)
    commit = altered("commit", lambda d: d["source"].update(commit="0" * 40))
    assert "from source commit 0000" in error(s1, commit)
    plan = altered("plan", lambda d: d["shard"].update(plan="f" * 64))
    assert "different catalogue, selection or project" in error(s1, plan)
    timeout = altered("timeout", lambda d: d["settings"].update(timeout=999))
    assert error(s1, timeout).endswith("ran with other settings than " + str(s1 / "results.json") + " (timeout)")
    lost = altered("lost", lambda d: d.update(findings=d["findings"][1:]))
    assert "checks, the plan has 5" in error(s1, lost)
    (tmp_path / "junk.json").write_text("{not json")
    assert "not a verify results file" in error(s1, tmp_path / "junk.json")
    assert not (tmp_path / "merged").exists()  # nothing half-written


def test_merge_then_report_regates(env, tmp_path, capsys) -> None:
    fake_engine.BEHAVIOUR.update({"FIX-02": "unknown"})
    env.set_specs(_specs())
    _shards(env, tmp_path, 2)
    inputs = [str(tmp_path / "shard1"), str(tmp_path / "shard2")]
    assert cli.main(["merge", *inputs, "--out", str(tmp_path / "m")]) == 3
    assert cli.main(["merge", *inputs, "--out", str(tmp_path / "m"), "--no-strict", "--format", "md"]) == 0
    assert "exit code **0**" in (tmp_path / "m" / "report.md").read_text()
