"""Errors raised by the scoring engine.

Callers (services, importers, the API) catch `EngineError` and show its
message. `ValidationError.field` names the rejected input, so a form or an
API response can point at it.
"""

from __future__ import annotations

from collections.abc import Sequence


class EngineError(Exception):
    """Base class for every error the engine raises on purpose."""


class ValidationError(EngineError, ValueError):
    """An invalid input value, named by `field`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class CycleError(EngineError):
    """A cycle in the links between nodes, listed in order in `nodes`.

    The first node is repeated at the end, so `a -> b -> a` is
    `("a", "b", "a")`.
    """

    def __init__(self, nodes: Sequence[str]) -> None:
        self.nodes = tuple(nodes)
        path = " -> ".join(str(node) for node in self.nodes)
        super().__init__(f"links form a cycle: {path}")
