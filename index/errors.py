"""Errors a user can cause, each with a message written for that user."""

from __future__ import annotations


class DossierError(Exception):
    """Base for errors that faces show to the user as one clear line."""

    exit_code = 1

    @property
    def message(self) -> str:
        return str(self)


class ConfigError(DossierError):
    """config.yaml is missing, unparsable or has a bad value."""

    exit_code = 2

    def __init__(self, path: str, reason: str, line: int | None = None, key: str | None = None):
        self.path, self.reason, self.line, self.key = path, reason, line, key
        where = path if line is None else f"{path}, line {line}"
        what = f"key '{key}': " if key else ""
        super().__init__(f"{where}: {what}{reason}")


class QueryError(DossierError):
    """A query that cannot be read as written."""

    exit_code = 2


class IndexUnavailable(DossierError):
    """The index cannot be opened or built."""


class TagFileError(DossierError):
    """The tag file cannot be read or is of an unknown version; it is left untouched."""


class NotFound(DossierError):
    """An article or passage that the corpus does not have."""


class IndexBusy(IndexUnavailable):
    """Another process holds the index's write lock."""

    def __init__(self, message: str, holder: str = "another process"):
        super().__init__(message)
        self.holder = holder


class StopAsked(BaseException):
    """Long work asked to stop (the reader quitting while it runs): raised from a
    progress callback. Not an Exception, so no `except Exception` treats it as a
    failure to work around."""
