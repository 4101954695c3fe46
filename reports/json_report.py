"""results.json: the canonical, schema-versioned record of a run (schemas/results.schema.json)."""
from __future__ import annotations

import json

from checkers.results import RunResults, to_json


def render(results: RunResults) -> str:
    return json.dumps(to_json(results), indent=2, sort_keys=False) + "\n"
