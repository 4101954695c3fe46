"""The result cache: hit when nothing changed, a change to one contract re-runs only its checks."""
from __future__ import annotations

import json

import fake_engine
from verify_fixtures import env, spec, tiny_built  # noqa: F401 - fixtures

from checkers import cli
from checkers.base import Finding, Verdict
from checkers.cache import ResultCache, cacheable


def _ran_since(env, before: int) -> list[str]:
    return env.ran()[before:]


def test_second_run_reuses_every_result(env) -> None:
    assert cli.main(env.argv("all")) == 0
    first = json.loads((env.out / "results.json").read_text())
    assert len(env.ran()) == 4 and first["stats"]["cached"] == 0
    assert cli.main(env.argv("all")) == 0
    second = json.loads((env.out / "results.json").read_text())
    assert len(env.ran()) == 4, "nothing changed: no check may run again"
    assert second["stats"]["cached"] == 4
    strip = lambda d: [{k: v for k, v in f.items() if k != "cached"} for f in d["findings"]]  # noqa: E731
    assert strip(first) == strip(second)


def test_changing_one_contract_reruns_only_its_checks(env) -> None:
    assert cli.main(env.argv("all")) == 0
    before = len(env.ran())
    vault = env.root / "src" / "Vault.sol"
    vault.write_text(vault.read_text().replace("totalDeposits -= amount;", "totalDeposits -= amount; // audited"))
    assert cli.main(env.argv("all")) == 0
    # A comment changes the source hash (metadata keccak) even though the bytecode is the same.
    assert sorted(_ran_since(env, before)) == ["fake FIX-02 platform", "fake FIX-03 platform",
                                               "fake2 FIX-03 platform"]


def test_settings_and_spec_changes_miss(env) -> None:
    assert cli.main(env.argv("all")) == 0
    before = len(env.ran())
    assert cli.main([*env.argv("all"), "--timeout", "7"]) == 0
    assert len(env.ran()) == before + 4, "a different timeout can change verdicts"
    before = len(env.ran())
    env.set_specs([spec("FIX-01", title="renamed"), spec("FIX-02", ("Vault",)),
                   spec("FIX-03", ("Counter", "Vault"), engines_=("fake", "fake2"))])
    assert cli.main([*env.argv("all"), "--timeout", "7"]) == 0
    assert _ran_since(env, before) == ["fake FIX-01 platform"]


def test_no_cache_runs_everything_and_stores_nothing(env) -> None:
    assert cli.main([*env.argv("all"), "--no-cache"]) == 0
    assert cli.main([*env.argv("all"), "--no-cache"]) == 0
    assert len(env.ran()) == 8
    assert not env.cache.exists()


def test_crashes_and_skips_are_not_cached(env, tmp_path) -> None:
    fake_engine.BEHAVIOUR["FIX-01"] = "crash"
    assert cli.main([*env.argv("check", "FIX-01")]) == 3
    assert cli.main([*env.argv("check", "FIX-01")]) == 3
    assert len(env.ran()) == 2
    assert not cacheable(Finding("X-01", "e", Verdict.SKIPPED, "no tool"))


def test_unknown_is_never_cached(env) -> None:
    """An UNKNOWN (a timeout on a busy machine, a solver giving up) is retried on the next run, never served."""
    fake_engine.BEHAVIOUR["FIX-01"] = "unknown"
    for _ in range(2):
        assert cli.main([*env.argv("check", "FIX-01")]) == 3
    assert env.ran() == ["fake FIX-01 platform"] * 2
    assert not cacheable(Finding("X-01", "e", Verdict.UNKNOWN, "timed out: no answer within 105 s"))
    assert not cacheable(Finding("X-01", "e", Verdict.UNKNOWN, "solver returned unknown"))
    assert cacheable(Finding("X-01", "e", Verdict.HOLDS_BOUNDED, "no violation within the bounds"))


def test_a_runner_timeout_is_not_cached(env, monkeypatch) -> None:
    from checkers import runner

    monkeypatch.setattr(runner, "GRACE_S", 0.5)
    fake_engine.BEHAVIOUR["FIX-01"] = "hang"
    for _ in range(2):
        assert cli.main([*env.argv("check", "FIX-01"), "--timeout", "1"]) == 3
    assert env.ran() == ["fake FIX-01 platform"] * 2


def test_corrupt_entry_is_a_miss(tmp_path) -> None:
    cache = ResultCache(tmp_path)
    key = "ab" + "0" * 62
    cache.put(key, [Finding("X-01", "e", Verdict.PROVED, "ok")])
    assert cache.get(key)[0].verdict == Verdict.PROVED
    (tmp_path / "ab" / f"{key}.json").write_text("{half")
    assert cache.get(key) is None


def test_spec_without_its_contracts_depends_on_all_of_src(env) -> None:
    """A spec naming no contract, or (generic, on another project) contracts the target lacks, hashes src/."""
    fake_engine.BEHAVIOUR.update({"FIX-04": "proved", "FIX-05": "proved"})
    env.set_specs([spec("FIX-01"), spec("FIX-04", (), generic=True), spec("FIX-05", ("PerpetualTrading",), generic=True)])
    assert cli.main([*env.argv("all"), "--project", str(env.root)]) == 0
    assert sorted(line.split()[1] for line in env.ran()) == ["FIX-04", "FIX-05"]  # FIX-01 is not generic
    before = len(env.ran())
    vault = env.root / "src" / "Vault.sol"
    vault.write_text(vault.read_text() + "\n// touched\n")
    assert cli.main([*env.argv("all"), "--project", str(env.root)]) == 0
    assert sorted(line.split()[1] for line in _ran_since(env, before)) == ["FIX-04", "FIX-05"]



def test_sequence_engine_fingerprint_covers_the_shared_base(monkeypatch) -> None:
    """A change in checkers/engines/sequence/checker.py (outside the engine's package) must invalidate the sequence
    engines' cached verdicts, and only theirs."""
    from pathlib import Path

    from checkers import cache

    checkers_dir = Path(cache.__file__).resolve().parent
    for engine in ("fuzz", "halmos", "manticore"):
        assert all((checkers_dir / name).is_file() for name in cache.SHARED_MODULES[engine])

    def fingerprints() -> tuple[str, str]:
        cache.engine_fingerprint.cache_clear()
        return cache.engine_fingerprint("manticore"), cache.engine_fingerprint("slither")

    manticore, slither = fingerprints()
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes",
                        lambda self: real(self) + (b"# edited" if self.name == "checker.py" and self.parent.name == "sequence" else b""))
    edited_manticore, edited_slither = fingerprints()
    cache.engine_fingerprint.cache_clear()
    assert edited_manticore != manticore
    assert edited_slither == slither
