"""Exit codes and the errors that carry them to the command line and the TUI."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, documented in the README."""

    OK = 0
    FAILED = 1  # incomplete library, or at least one failed item
    USAGE = 2  # usage or configuration error
    STORAGE = 3  # storage unreachable, access denied or bucket missing
    INTERRUPTED = 130


class R2TuiError(Exception):
    """An error with a one-line, user-facing message and an exit code.

    Messages say what is wrong and what to fix; they never contain a secret.
    """

    exit_code: ExitCode = ExitCode.FAILED

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(R2TuiError):
    """Invalid or missing configuration (settings, config file, flags)."""

    exit_code = ExitCode.USAGE


class UsageError(R2TuiError):
    """A request the tool refuses as asked (bad argument, forbidden public URL...)."""

    exit_code = ExitCode.USAGE


class StorageError(R2TuiError):
    """The storage cannot be used: unreachable, access denied or bucket missing."""

    exit_code = ExitCode.STORAGE


class NotFoundError(R2TuiError):
    """A single object or local path that does not exist."""

    exit_code = ExitCode.FAILED
