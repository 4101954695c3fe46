"""How a spec finds its property tests: `test_<SPEC_ID with - as _>_<what>` in contracts/test/integrity/.

One convention, shared by the engine, the catalogue checks and the replay writer, so a renamed test cannot silently
leave a spec with nothing to run (the engine reports that as ERROR).
"""
from __future__ import annotations

import re

TEST_DIR = "test/integrity"


def prefix(spec_id: str) -> str:
    """`INT-POOL-01` -> `test_INT_POOL_01_`."""
    return "test_" + re.sub(r"[^A-Za-z0-9]", "_", spec_id) + "_"


def belongs(spec_id: str, test_signature: str) -> bool:
    """Whether a forge test (`name(types)`) is one of the spec's property tests."""
    return test_signature.startswith(prefix(spec_id))


def test_name(signature: str) -> str:
    return signature.split("(", 1)[0]


def arg_types(signature: str) -> list[str]:
    inner = signature[signature.index("(") + 1: signature.rindex(")")] if "(" in signature else ""
    return [t for t in inner.split(",") if t]
