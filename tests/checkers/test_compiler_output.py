"""The compiler's first real error, at file:line, without colours or forge's wrapper line."""
from __future__ import annotations

from checkers.compiler_output import first_error

FORGE_FAILED = """Compiling 2 files with Solc 0.8.24
Solc 0.8.24 finished in 679.63ms
Error: Compiler run failed:
Warning (2072): Unused local variable.
 --> src/B.sol:2:37:
  |
Error (2314): Expected ';' but got '}'
 --> src/A.sol:4:79:
  |
4 | contract A { uint256 public x; function f(uint256 y) external { x = y * 2 / 3 } }
  |                                                                               ^
"""


def test_the_wrapper_line_and_warnings_are_skipped_for_the_error_at_file_line() -> None:
    assert first_error(FORGE_FAILED) == "src/A.sol:4: Error (2314): Expected ';' but got '}'"


def test_colours_and_log_prefixes_are_removed() -> None:
    coloured = "\x1b[31mError\x1b[0m: Compiler run failed:\n\x1b[31mTypeError (9574)\x1b[0m: Type uint256 is not " \
               "implicitly convertible to expected type bool.\n  \x1b[34m-->\x1b[0m src/C.sol:7:9:\n"
    assert first_error(coloured) == "src/C.sol:7: TypeError (9574): Type uint256 is not implicitly convertible " \
                                    "to expected type bool."
    assert first_error("[⠊] Error: Failed to resolve file: \"src/x.sol\"") == \
        "Error: Failed to resolve file: \"src/x.sol\""


def test_a_diagnostic_without_location_and_no_diagnostic_at_all() -> None:
    assert first_error("ParserError: Source file requires different compiler version\n") == \
        "ParserError: Source file requires different compiler version"
    assert first_error("something went wrong\nlast words\n") == "last words"
    assert first_error("") == ""
