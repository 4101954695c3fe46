"""User-facing errors: one line saying what and where, and a distinct exit code (docs/verify.md, "Exit codes")."""
from __future__ import annotations


class VerifyError(Exception):
    """An error the user can fix (bad input, missing tool). Printed as one line, never a traceback."""

    exit_code: int = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SpecError(VerifyError):
    """A spec declaration is malformed or names something that does not exist."""


class ConfigError(VerifyError):
    """A settings file or command-line option is invalid."""


class BuildError(VerifyError):
    """The Solidity project is missing or does not compile."""


class ToolMissingError(VerifyError):
    """A required external tool (forge, solc wrapper, solver) cannot be found."""
