"""Reachability checks that keep the strategy's graphs acyclic on every write."""

from collections.abc import Callable, Hashable, Iterable


def closes_cycle(source: Hashable, target: Hashable, successors: Callable[[Hashable], Iterable[Hashable]]) -> bool:
    """Tell whether adding the edge source → target would close a cycle.

    It would when `source` is reachable from `target` along existing edges
    (or when both are the same node).
    """
    if source == target:
        return True
    seen = {target}
    stack = [target]
    while stack:
        node = stack.pop()
        for nxt in successors(node):
            if nxt == source:
                return True
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False
