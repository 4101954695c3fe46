"""forge's and solc's output, read for the one line a user needs: the compiler's first real error, at file:line.

forge wraps solc's diagnostics ("Error: Compiler run failed:" first, then "Error (2314): Expected ';' ..." and a
" --> src/A.sol:4:79:" line), may colour them, and may prefix its own log lines; the wrapper line says nothing,
warnings are not errors.
"""
from __future__ import annotations

import re

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_LOG_PREFIX = re.compile(r"^(?:\[[^\]]*\]\s*|\d{4}-\d\d-\d\dT\S+\s+(?:ERROR|WARN|INFO)\s+\S*\s*)")
_DIAGNOSTIC = re.compile(r"^(?:[A-Z][A-Za-z]*Error|Error)(?: \(\d+\))?: (?!Compiler run failed)\S")
_LOCATION = re.compile(r"^\s*-->\s*(\S+?):(\d+)(?::\d+)?:?\s*$")
LIMIT = 300


def plain(text: str) -> str:
    """`text` without ANSI escapes."""
    return _ANSI.sub("", text)


def first_error(output: str) -> str:
    """"file:line: Error (code): message" for the first compiler error in `output`; else forge's own first error
    line; else the last line; "" for no output."""
    lines = [_LOG_PREFIX.sub("", plain(line).strip()) for line in output.splitlines()]
    for i, line in enumerate(lines):
        if _DIAGNOSTIC.match(line):
            for following in lines[i + 1:i + 4]:
                location = _LOCATION.match(following)
                if location:
                    return f"{location[1]}:{location[2]}: {line}"[:LIMIT]
            return line[:LIMIT]
    useful = [line for line in lines if line]
    fallback = next((line for line in useful if line.lower().startswith("error")), useful[-1] if useful else "")
    return fallback[:LIMIT]
