"""End-of-cycle forecasts: the method rule, the interval's coverage on simulated data, the outlook, the pages."""

import datetime as dt
import io
import json

import numpy as np
import pytest
from django.core.management import call_command

from hoshin.demo import series as demo_series
from hoshin.engine.insights.forecast import (
    DAMPED_TREND, LAST_VALUE, TREND_MODEL, combine, forecast_cycle, outlook,
)


def persistent(seed, size, level=100.0):
    rng = np.random.default_rng(seed)
    return level + 5 * demo_series.ar1(rng, size, 0.9) + 2 * rng.standard_normal(size)


@pytest.mark.parametrize(("size", "method"), [(2, LAST_VALUE), (8, LAST_VALUE), (20, DAMPED_TREND),
                                              (300, TREND_MODEL)])
def test_method_follows_history_length(size, method):
    forecast = forecast_cycle(persistent(1, size), min(size, 5), 30, "mean")

    assert forecast.method == method
    assert forecast.history == size
    assert forecast.ahead == 30


def test_short_history_has_no_interval():
    forecast = forecast_cycle(np.array([4.0, 5.0]), 2, 10, "sum")

    assert forecast.value == pytest.approx(4 + 5 + 10 * 5)
    assert forecast.low is None
    assert forecast.high is None


def test_ended_cycle_returns_its_aggregate():
    forecast = forecast_cycle(np.array([1.0, 2.0, 3.0]), 3, 0, "sum")

    assert (forecast.value, forecast.low, forecast.high) == (6.0, 6.0, 6.0)


def test_interval_contains_forecast():
    forecast = forecast_cycle(persistent(2, 400), 30, 61, "sum")

    assert forecast.low <= forecast.value <= forecast.high


@pytest.mark.parametrize(("aggregation", "expected"), [("sum", 10.0), ("mean", 2.5), ("last", 4.0), ("min", 1.0),
                                                       ("max", 4.0)])
def test_combine_by_aggregation(aggregation, expected):
    assert combine(np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]]), aggregation)[0] == expected


def test_interval_coverage_on_simulated_quarters():
    inside = total = 0
    for seed in range(12):
        values = persistent(seed, 600)
        for start in (400, 480):
            forecast = forecast_cycle(values[: start + 30], 30, 61, "mean", seed=seed)
            realised = values[start : start + 91].mean()
            inside += forecast.low <= realised <= forecast.high
            total += 1

    assert 0.6 <= inside / total <= 0.95


@pytest.mark.parametrize(("kr_type", "low", "high", "expected"), [
    ("increase", 12, 15, "likely"),
    ("increase", 8, 12, "possible"),
    ("increase", 5, 9, "at_risk"),
    ("decrease", 5, 9, "likely"),
    ("maintain_below", 11, 14, "at_risk"),
    ("maintain_above", 9, 11, "possible"),
])
def test_outlook_against_target_of_10(kr_type, low, high, expected):
    assert outlook(kr_type, low, high, 10) == expected


def test_outlook_for_range_and_milestone():
    assert outlook("within_range", 4, 6, None, (3, 7)) == "likely"
    assert outlook("within_range", 8, 9, None, (3, 7)) == "at_risk"
    assert outlook("milestone", 0, 1, 1) is None


@pytest.mark.django_db
def test_forecast_command_and_page(client, industry_demo):
    from django.contrib.auth import get_user_model

    output = io.StringIO()
    call_command("forecast", "industry", "--as-of", "2025-05-20", "--json", stdout=output)
    client.force_login(get_user_model().objects.get(username="industry-viewer"))
    page = client.get("/o/industry/forecasts?as_of=2025-05-20")

    document = json.loads(output.getvalue())
    items = {item["kpi"]["key"]: item for item in document["key_results"]}
    assert "energy-per-ton" in items
    energy = items["energy-per-ton"]["forecast"]
    assert energy["low"] <= energy["value"] <= energy["high"]
    assert all(item["cycle_end"] >= "2025-05-20" for item in document["key_results"])
    assert page.status_code == 200
    assert "Energy per ton of steel" in page.content.decode()
    assert dt.date.fromisoformat(document["as_of"]) == dt.date(2025, 5, 20)
