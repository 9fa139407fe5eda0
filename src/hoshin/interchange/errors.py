"""Errors found in a strategy file, each located by file, line and path."""

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class LocatedError:
    """One error in a strategy file.

    `line` counts from 1. `path` names the entry or field at fault in the
    document, such as ``okrs[0].key_results[1].weight``; it is empty for an
    error about the whole document.
    """

    line: int
    path: str
    message: str
    filename: str = field(default="<string>", compare=False)

    def __str__(self) -> str:
        if self.path:
            return f"{self.filename}:{self.line}: {self.path}: {self.message}"
        return f"{self.filename}:{self.line}: {self.message}"


def as_clause(message: str) -> str:
    """Fit a sentence (such as a service's message) after ``file:line: path:``.

    The first letter is lowered unless it starts an abbreviation (KPI, OKR)
    and the final period is dropped.
    """
    if message[:1].isupper() and message[1:2].islower():
        message = message[0].lower() + message[1:]
    return message.rstrip(".")


class StrategyFileError(Exception):
    """A strategy file was rejected; `errors` lists every error found, sorted by line."""

    def __init__(self, errors: list[LocatedError]):
        self.errors = sorted(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


class ErrorReport:
    """Collects the errors of one file so all of them are reported together."""

    def __init__(self, filename: str):
        self.filename = filename
        self.errors: list[LocatedError] = []
        self._seen: set[LocatedError] = set()

    def add(self, line: int, path: str, message: str) -> None:
        error = LocatedError(line, path, as_clause(message), self.filename)
        if error not in self._seen:
            self._seen.add(error)
            self.errors.append(error)

    def raise_if_any(self) -> None:
        if self.errors:
            raise StrategyFileError(self.errors)
