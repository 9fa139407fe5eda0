"""Roll-up of scores along the graph."""

import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoshin.engine.errors import CycleError, ValidationError
from hoshin.engine.progress import progress
from hoshin.engine.rollup import Edge, Node, roll_up


def links(parent, *children):
    return [Edge(parent, child) for child in children]


def test_sum_mode_adds_actuals_and_targets():
    amounts = [("north", 50_000, 100_000), ("south", 20_000, 20_000), ("online", 1_000, 1_000)]
    children = [Node(key, actual / target, actual=actual, target=target) for key, actual, target in amounts]
    edges = links("revenue", "north", "south", "online")

    summed = roll_up([Node("revenue", mode="sum"), *children], edges)["revenue"]
    averaged = roll_up([Node("revenue"), *children], edges)["revenue"]

    assert round(summed.score, 4) == 0.5868
    assert (summed.actual, summed.target) == (71_000, 121_000)
    assert round(averaged.score, 4) == 0.8333


def test_weights_shift_the_mean():
    nodes = [Node("objective"), Node("a", 0.5), Node("b", 1.0)]
    edges = [Edge("objective", "a", 1), Edge("objective", "b", 3)]

    assert roll_up(nodes, edges)["objective"].score == pytest.approx(0.875)
    assert roll_up([Node("objective", mode="weighted"), *nodes[1:]], edges)["objective"].score == pytest.approx(0.875)


@pytest.mark.parametrize("weight", [0, -1, float("nan"), float("inf")])
def test_non_positive_weight_is_rejected(weight):
    with pytest.raises(ValidationError) as error:
        roll_up([Node("objective"), Node("a", 0.5)], [Edge("objective", "a", weight)])

    assert error.value.field == "weight"


def test_mixed_direction_key_results_average_progress():
    grow = progress("increase", 50, 0, 100).clamped
    cut = progress("decrease", 150, 200, 100).clamped

    result = roll_up([Node("objective"), Node("grow", grow), Node("cut", cut)], links("objective", "grow", "cut"))

    assert result["objective"].score == pytest.approx(0.5)


def test_archived_child_is_left_out():
    nodes = [Node("p"), Node("a", 0.4), Node("b", 0.8), Node("c", 0.1, archived=True)]

    result = roll_up(nodes, links("p", "a", "b", "c"))["p"]

    assert result.score == pytest.approx(0.6)
    assert (result.children_with_data, result.children) == (2, 2)


def test_moved_child_counts_once_under_new_parent():
    nodes = [Node("p"), Node("q"), Node("a", 0.4), Node("b", 0.8), Node("c", 0.1, archived=True), Node("d", 0.2)]

    result = roll_up(nodes, [*links("p", "a", "c"), *links("q", "b", "d")])

    assert result["p"].score == pytest.approx(0.4)
    assert result["q"].score == pytest.approx(0.5)
    assert list(result).count("b") == 1


def test_parent_with_only_archived_children_has_no_data():
    result = roll_up([Node("p"), Node("c", 0.1, archived=True)], links("p", "c"))["p"]

    assert result.score is None
    assert (result.children_with_data, result.children) == (0, 0)


def test_child_without_data_is_left_out():
    nodes = [Node("p"), Node("a", 0.4), Node("b", None), Node("c", 0.8)]

    result = roll_up(nodes, [Edge("p", "a", 1), Edge("p", "b", 5), Edge("p", "c", 1)])["p"]

    assert result.score == pytest.approx(0.6)
    assert (result.children_with_data, result.children) == (2, 3)


def test_parent_without_child_data():
    result = roll_up([Node("p"), Node("a"), Node("b", float("nan"))], links("p", "a", "b"))["p"]

    assert result.score is None
    assert (result.children_with_data, result.children) == (0, 2)


def test_min_mode_takes_weakest_child():
    nodes = [Node("p", mode="min"), Node("a", 0.4), Node("b", 0.9), Node("c")]

    assert roll_up(nodes, links("p", "a", "b", "c"))["p"].score == pytest.approx(0.4)


def test_scores_are_clamped_before_roll_up():
    nodes = [Node("p"), Node("a", 1.5), Node("b", -0.5)]

    result = roll_up(nodes, links("p", "a", "b"))

    assert result["a"].score == 1.0
    assert result["p"].score == pytest.approx(0.5)


def test_sum_mode_ignores_children_without_target():
    nodes = [Node("p", mode="sum"), Node("a", 0.5, actual=5, target=10), Node("b", 0.9)]

    result = roll_up(nodes, links("p", "a", "b"))["p"]

    assert result.score == pytest.approx(0.5)
    assert (result.children_with_data, result.children) == (1, 2)


def test_sum_mode_zero_total_target():
    nodes = [Node("p", mode="sum"), Node("a", actual=5, target=0)]

    assert roll_up(nodes, links("p", "a"))["p"].score is None


def test_nested_sum_modes_pass_totals_up():
    nodes = [Node("company", mode="sum"), Node("region", mode="sum"), Node("store", actual=30, target=40)]
    nodes.append(Node("web", actual=10, target=60))

    result = roll_up(nodes, [*links("company", "region", "web"), *links("region", "store")])

    assert result["region"].score == pytest.approx(0.75)
    assert result["company"].score == pytest.approx(0.4)


def test_child_with_two_parents_counts_in_both():
    nodes = [Node("growth"), Node("loyalty"), Node("okr", mode="mean"), Node("kr", 0.6)]

    result = roll_up(nodes, [*links("growth", "okr"), *links("loyalty", "okr"), *links("okr", "kr")])

    assert result["growth"].score == pytest.approx(0.6)
    assert result["loyalty"].score == pytest.approx(0.6)


def test_expected_progress_rolls_up_with_weights():
    nodes = [Node("p"), Node("a", 0.2, expected=0.5), Node("b", 0.9, expected=1.0), Node("c", None, expected=0.0)]
    edges = [Edge("p", "a", 1), Edge("p", "b", 3), Edge("p", "c", 1)]

    assert roll_up(nodes, edges)["p"].expected == pytest.approx(0.875)


def test_cycle_is_named():
    nodes = [Node(key) for key in "abcd"]

    with pytest.raises(CycleError) as error:
        roll_up(nodes, [*links("a", "b"), *links("b", "c"), *links("c", "a"), *links("d", "a")])

    assert error.value.nodes == ("a", "b", "c", "a")
    assert "a -> b -> c -> a" in str(error.value)


def test_self_link_is_a_cycle():
    with pytest.raises(CycleError) as error:
        roll_up([Node("a")], links("a", "a"))

    assert error.value.nodes == ("a", "a")


def test_link_to_unknown_node_is_rejected():
    with pytest.raises(ValidationError) as error:
        roll_up([Node("a")], links("a", "ghost"))

    assert error.value.field == "edges"


def test_repeated_link_is_rejected():
    with pytest.raises(ValidationError) as error:
        roll_up([Node("a"), Node("b", 0.5)], [*links("a", "b"), *links("a", "b")])

    assert error.value.field == "edges"


def test_large_graph_rolls_up_quickly():
    objectives = [Node(f"objective {index}") for index in range(10_000)]
    key_results = [Node(f"kr {index}", (index % 100) / 100) for index in range(40_000)]
    edges = [Edge(f"objective {index // 4}", f"kr {index}", 1 + index % 3) for index in range(40_000)]
    strategic = [Node("strategy")]
    edges += [Edge("strategy", f"objective {index}") for index in range(10_000)]

    started = time.perf_counter()
    result = roll_up([*strategic, *objectives, *key_results], edges)
    elapsed = time.perf_counter() - started

    assert len(result) == 50_001
    assert 0 <= result["strategy"].score <= 1
    # A loose bound that catches quadratic behaviour, not a benchmark.
    assert elapsed < 5


@st.composite
def graphs(draw):
    size = draw(st.integers(min_value=1, max_value=30))
    scores = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))
    amounts = st.one_of(st.none(), st.floats(min_value=-1e12, max_value=1e12))
    nodes = [
        Node(
            index,
            draw(scores),
            mode=draw(st.sampled_from(["mean", "weighted", "sum", "min"])),
            actual=draw(amounts),
            target=draw(amounts),
            expected=draw(st.one_of(st.none(), st.floats(min_value=0, max_value=1))),
            archived=draw(st.booleans()),
        )
        for index in range(size)
    ]
    pairs = draw(st.sets(st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)), max_size=60))
    weights = st.one_of(st.none(), st.floats(min_value=1e-9, max_value=1e300))
    # Links go from lower to higher index only, so the graph is acyclic.
    edges = [Edge(low, high, draw(weights)) for low, high in pairs if low < high]
    return nodes, edges


@settings(max_examples=100, deadline=None)
@given(graph=graphs())
def test_roll_up_stays_in_unit_interval(graph):
    nodes, edges = graph

    for result in roll_up(nodes, edges).values():
        assert result.score is None or 0.0 <= result.score <= 1.0
        assert result.expected is None or 0.0 <= result.expected <= 1.0 + 1e-9
        assert 0 <= result.children_with_data <= result.children
        assert result.actual is None or not math.isnan(result.actual)
