"""Cycle detection and ordering on the graphs a strategy file describes.

Edges point from a node to the nodes it depends on: a unit to its parent,
an OKR objective to the objectives it serves, a cause to its effect.
"""

from collections.abc import Iterable


def find_cycles(nodes: Iterable[str], edges: dict[str, list[str]]) -> list[list[str]]:
    """Return the cycles met by a depth-first search, each as a path that repeats its first node at the end.

    Every cycle in the graph shares at least one edge with a returned
    cycle, so an empty result means the graph is acyclic.
    """
    state: dict[str, str] = {}
    cycles = []
    for root in nodes:
        if root in state:
            continue
        state[root] = "open"
        path = [root]
        stack = [iter(edges.get(root, ()))]
        while stack:
            successor = next(stack[-1], None)
            if successor is None:
                state[path.pop()] = "done"
                stack.pop()
            elif state.get(successor) == "open":
                cycles.append(path[path.index(successor):] + [successor])
            elif successor not in state:
                state[successor] = "open"
                path.append(successor)
                stack.append(iter(edges.get(successor, ())))
    return cycles


def successors_first(nodes: Iterable[str], edges: dict[str, list[str]]) -> list[str]:
    """Order the nodes so that each comes after every node it has an edge to; the graph must be acyclic."""
    ordered: list[str] = []
    seen: set[str] = set()

    def visit(node: str) -> None:
        stack = [(node, iter(edges.get(node, ())))]
        seen.add(node)
        while stack:
            current, successors = stack[-1]
            successor = next(successors, None)
            if successor is None:
                ordered.append(current)
                stack.pop()
            elif successor not in seen:
                seen.add(successor)
                stack.append((successor, iter(edges.get(successor, ()))))

    for node in nodes:
        if node not in seen:
            visit(node)
    return ordered


def cycle_edges(cycle: list[str]) -> list[tuple[str, str]]:
    return list(zip(cycle, cycle[1:]))
