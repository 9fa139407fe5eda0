"""Domain errors raised by services and turned into messages by every caller.

Web pages show them as form or page messages, the API as its JSON error
shape, the CLI as a line on stderr. `field` names the input at fault so
the message can be attached to it.
"""


class DomainError(Exception):
    """Base class for errors that a user can act on."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        if self.field:
            return f"{self.field}: {self.message}"
        return self.message


class ValidationFailed(DomainError):
    """The input breaks a rule of the model (a value, a reference, a cycle)."""

    code = "invalid"


class CycleRejected(ValidationFailed):
    """The change would close a cycle in a graph that must stay acyclic."""

    code = "cycle"


class PermissionDenied(DomainError):
    """The actor may not perform this action on this object."""

    code = "forbidden"


class NotFound(DomainError):
    """The object does not exist or is not visible to the actor."""

    code = "not_found"
