"""End-to-end tests in headless Chromium against a live server: log in, map, KPI chart, check-in, Portuguese.

Each test saves a screenshot of the page it checks under test-artifacts/.
They need Debian's Chromium at /usr/bin/chromium (`apt-get install -y
chromium`), because Playwright's own browser download is not used.
"""

import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from hoshin.engine import periods
from hoshin.okrs import services as okr_services
from hoshin.organizations import services as org_services

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in the test thread; the test's own
# ORM calls (fixtures) are synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium; run apt-get install -y chromium")
    return {"executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args():
    return {"locale": "en-US", "viewport": {"width": 1280, "height": 900}}


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, live_server, username="owner", password="pw-owner-123"):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.fixture
def current_okr(org, strategy):
    """An OKR objective of the running quarter aligned to `loyalty`, with an increase key result 0 → 200."""
    today = periods.local_date(timezone.now(), org.time_zone)
    cycle = org_services.cycle_for_label(None, org, periods.period_of(today, "quarterly").label)
    okr = okr_services.create_okr_objective(None, org, key="now", name="Win back lapsed customers",
                                            unit=org.units.get(key="t1"), cycle=cycle)
    okr_services.set_alignments(None, okr, strategic=[strategy["loyalty"]])
    okr_services.create_key_result(None, okr, key="lapsed", name="Lapsed customers won back",
                                   kr_type="increase", baseline=0, target=200)
    return cycle


def add_objectives(org, count: int) -> int:
    """Add `count` strategic objectives over the four perspectives, each driving the next; return the links made."""
    company = org.units.get(key="company")
    perspectives = list(org.perspectives.order_by("position"))
    objectives = [
        org_services.create_strategic_objective(
            None, org, key=f"generated-{number}", name=f"Generated objective number {number}",
            perspective=perspectives[number % len(perspectives)], unit=company,
        )
        for number in range(count)
    ]
    for cause, effect in zip(objectives, objectives[1:]):
        org_services.create_link(None, org, cause=cause, effect=effect, hypothesis=f"{cause.key} helps {effect.key}")
    return count - 1


def map_geometry(page) -> dict:
    """Return the map's zoom, its numbers of nodes and edges, and the number of overlapping pairs of objective nodes."""
    return page.evaluate(
        """() => {
            const cy = window.hoshinStrategyMap;
            const boxes = cy.nodes('.objective').map((node) => node.boundingBox());
            let overlaps = 0;
            for (let i = 0; i < boxes.length; i++) {
                for (let j = i + 1; j < boxes.length; j++) {
                    const a = boxes[i], b = boxes[j];
                    if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) overlaps++;
                }
            }
            return {zoom: cy.zoom(), edges: cy.edges().length, nodes: boxes.length, overlaps: overlaps};
        }"""
    )


def test_log_in_opens_scorecard(page, live_server, owner, strategy):
    log_in(page, live_server)

    assert page.url == f"{live_server.url}/o/acme"
    assert page.get_by_role("heading", name="Acme scorecard").is_visible()
    assert page.get_by_role("link", name="Customer loyalty").is_visible()
    screenshot(page, "home")


def test_strategy_map_draws_links(page, live_server, owner, strategy):
    log_in(page, live_server)

    page.goto(f"{live_server.url}/o/acme/map")
    page.wait_for_selector("#strategy-map[data-ready=true]")

    geometry = map_geometry(page)
    assert geometry["nodes"] == 2
    assert geometry["edges"] == 1
    assert page.locator("#strategy-map canvas").count() > 0
    screenshot(page, "strategy-map")


@pytest.mark.parametrize("count", [6, 40])
def test_strategy_map_readable(page, live_server, owner, org, count):
    links = add_objectives(org, count)
    log_in(page, live_server)

    page.goto(f"{live_server.url}/o/acme/map")
    page.wait_for_selector("#strategy-map[data-ready=true]")

    geometry = map_geometry(page)
    assert geometry["nodes"] == count
    assert geometry["edges"] == links
    assert geometry["overlaps"] == 0
    assert geometry["zoom"] >= 0.75
    screenshot(page, f"strategy-map-{count}")


def test_objective_node_opens_objective(page, live_server, owner, strategy):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/o/acme/map")
    page.wait_for_selector("#strategy-map[data-ready=true]")

    page.evaluate("() => window.hoshinStrategyMap.getElementById('loyalty').emit('tap')")
    page.wait_for_url(re.compile(r".*/o/acme/objectives/loyalty$"))

    assert page.get_by_role("heading", name="Customer loyalty").is_visible()
    screenshot(page, "strategic-objective")


def test_kpi_page_draws_chart(page, live_server, owner, strategy):
    log_in(page, live_server)

    page.goto(f"{live_server.url}/o/acme/kpis/repurchase-rate")
    page.wait_for_selector("#kpi-chart[data-ready=true]")

    assert page.locator("#kpi-chart canvas").count() == 1
    assert page.evaluate("() => window.hoshinKpiChart.getOption().series[0].data.length") >= 3
    screenshot(page, "kpi")


def test_check_in_updates_scores_in_place(page, live_server, owner, current_okr):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/o/acme/units/t1/okrs?cycle={current_okr.key}")
    key_result = page.locator("#kr-now--lapsed")
    okr_score = page.locator("#okr-score-now")
    strategic_score = page.locator("#so-score-loyalty")
    assert "No data" in okr_score.inner_text()
    before = strategic_score.inner_text()

    key_result.get_by_text("Check in").click()
    key_result.get_by_label("Value").fill("150")
    key_result.get_by_label("Confidence (0–10)").fill("8")
    key_result.get_by_label("Comment").fill("The campaign works")
    key_result.get_by_role("button", name="Save check-in").click()
    page.wait_for_selector("#flash .flash--success")

    assert "Progress 75%" in page.locator("#kr-now--lapsed").inner_text()
    assert "75%" in okr_score.inner_text()
    assert page.locator("#okr-coverage-now").inner_text() == "1 of 1 key results with data"
    assert strategic_score.inner_text() != before
    assert page.evaluate("() => performance.getEntriesByType('navigation').length") == 1
    screenshot(page, "okr-board")


def test_check_in_error_next_to_field(page, live_server, owner, current_okr):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/o/acme/units/t1/okrs?cycle={current_okr.key}")
    key_result = page.locator("#kr-now--lapsed")

    key_result.get_by_text("Check in").click()
    key_result.get_by_label("Value").fill("10")
    key_result.get_by_label("Confidence (0–10)").fill("11")
    key_result.get_by_role("button", name="Save check-in").click()
    page.wait_for_selector("#ci-now--lapsed-confidence-error")

    assert "confidence must be between 0 and 10" in page.locator("#ci-now--lapsed-confidence-error").inner_text()
    screenshot(page, "check-in-error")


def test_portuguese_labels_and_numbers(page, live_server, owner, strategy):
    log_in(page, live_server)

    page.get_by_label("Language").select_option("pt-br")
    page.locator(".site-header__language button").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/o/acme/kpis/repurchase-rate")

    assert page.locator("html").get_attribute("lang") == "pt-br"
    assert page.get_by_role("link", name="Mapa estratégico").is_visible()
    assert page.get_by_role("heading", name="Medições").is_visible()
    page.get_by_text("O gráfico em forma de tabela").click()
    assert "1.234,5" in page.locator("details table").inner_text()
    screenshot(page, "kpi-pt-br")
