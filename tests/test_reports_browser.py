"""The /reports page in headless Chromium: the key, the bars, verdicts over time and the table."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import update

from preflight.storage.models import CheckRow

from .conftest import RULES
from .live_server import serving
# The playground's browser and page fixtures, on this module's server.
from .test_playground_browser import CHROMIUM, LAYOUT, WIDTHS, browser, overflow, page, screenshot, sized_page  # noqa: F401

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"no Chromium at {CHROMIUM} (Debian package 'chromium'); the browser test needs it")
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
GUARANTEE = "misleading-claims/absolute-guarantee"
HEALTH = "misleading-claims/health-claim"


def seed(service) -> None:
    """Checks over the last three days: the guarantee rule fires most, the health claim is overridden most."""
    store, governance = service.store, service.governance.store
    records = []
    for n in range(12):
        rules = [GUARANTEE] if n < 8 else [HEALTH]
        records.append({"check_id": f"{n:032x}", "key_name": "editor", "profile": None, "platform": "x",
                        "language": "nl" if n % 3 == 0 else "en", "context": "post", "verdict": "warn" if n < 8 else "block",
                        "rules": rules, "packs": [], "text_sha256": "0" * 64, "text": None, "elapsed_ms": 1.0})
    records.append({**records[0], "check_id": "f" * 32, "verdict": "pass", "rules": []})
    store.record_checks(records)
    now = datetime.now(timezone.utc)
    with store._sessions.begin() as session:
        for n in range(12):
            session.execute(update(CheckRow).where(CheckRow.id == f"{n:032x}").values(created_at=now - timedelta(days=n % 3)))
    for n in (8, 9, 10):
        governance.add_override(f"{n:032x}", [HEALTH], "claim approved by the medical team", "editor")
    governance.add_override(f"{0:032x}", [GUARANTEE], "true", "editor")


@pytest.fixture(scope="module")
def server(tmp_path_factory, checker):
    from preflight.http.app import create_app

    db = tmp_path_factory.mktemp("reports") / "preflight.db"
    app = create_app({"DATABASE_URL": f"sqlite:///{db}", "RULES_DIR": str(RULES)}, checker=checker)
    service = app.extensions["preflight"]
    seed(service)
    key = service.store.create_key("owner", "admin")
    with serving(app) as url:
        yield url, key


def test_a_policy_owner_sees_what_fires_and_what_is_overridden(page, server):
    page.goto(server[0] + "/reports")
    page.get_by_label("Admin API key").fill(server[1])
    page.get_by_role("button", name="Save key").click()
    expect(page.locator("#report")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("13 checks")
    fired = page.locator("#fired-chart li")
    expect(fired).to_have_count(2)
    expect(fired.first).to_contain_text(GUARANTEE)
    expect(fired.first).to_contain_text("8")
    overridden = page.locator("#overridden-chart li")
    expect(overridden.first).to_contain_text(HEALTH)
    expect(overridden.first).to_contain_text("3 (75.0 %)")
    assert page.locator("#days-chart .day").count() == 30
    rows = page.locator("#rules-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1).locator("td.high")).to_have_text("75.0 %")
    expect(page.locator("#totals")).to_contain_text("Block")
    reasons = page.locator("#reasons .reason-group")
    expect(reasons).to_have_count(2)
    expect(reasons.filter(has_text=HEALTH)).to_contain_text("claim approved by the medical team")
    expect(reasons.filter(has_text=HEALTH)).to_contain_text("3 of 4 (75.0 %)")
    screenshot(page, "reports")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0] == "rule,pack,language,fired,overridden,override_rate"

    page.get_by_label("From").fill("2020-01-01")
    page.get_by_label("To (inclusive)").fill("2020-01-31")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#fired-chart")).to_contain_text("No rule fired in this period.")


def test_a_bad_key_is_explained(page, server):
    page.goto(server[0] + "/reports")
    page.get_by_label("Admin API key").fill("pf_00000000_" + "a" * 43)
    page.get_by_role("button", name="Save key").click()
    expect(page.locator("#error")).to_contain_text("401")
    expect(page.locator("#report")).to_be_hidden()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_report_fits_the_window_and_its_daily_chart_shows_at_phone_width(browser, server, width):  # noqa: F811
    with sized_page(browser, server[0] + "/reports", width) as page:
        page.get_by_label("Admin API key").fill(server[1])
        page.get_by_role("button", name="Save key").click()
        expect(page.locator("#report")).to_be_visible()
        expect(page.locator("#days-chart .day")).to_have_count(30)
        measured = overflow(page)
        assert measured["scroll"] <= measured["client"], measured
        chart = page.locator("#days-chart").bounding_box()
        assert chart["width"] > 0 and chart["x"] + chart["width"] <= width, chart
        # the three days with checks are drawn as bars of some height, inside the chart's box
        bars = page.locator("#days-chart .day span").evaluate_all(
            "ns => ns.map(n => n.getBoundingClientRect()).filter(r => r.height > 0).map(r => r.toJSON())")
        assert len(bars) >= 3, "the days with checks have visible bars"
        assert all(b["height"] >= 2 and b["width"] >= 2 for b in bars), bars
        assert all(chart["x"] - 0.5 <= b["left"] and b["right"] <= chart["x"] + chart["width"] + 0.5 for b in bars), (chart, bars)
        LAYOUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(LAYOUT / f"reports-{width}.png"), full_page=True)


def test_the_report_speaks_the_browsers_language_with_rule_titles(browser, server):  # noqa: F811
    with sized_page(browser, server[0] + "/reports", 1280, locale="de-DE") as page:
        page.get_by_label("Admin-API-Schlüssel").fill(server[1])
        page.get_by_role("button", name="Schlüssel speichern").click()
        expect(page.locator("#report")).to_be_visible()
        expect(page.get_by_role("heading", name="Wie sich die Regeln verhalten")).to_be_visible()
        expect(page.locator("#status")).to_contain_text("13 Prüfungen")
        rows = page.locator("#rules-table tbody tr")
        expect(rows.nth(1).locator(".rule-title")).to_have_text("Gesundheitsversprechen")
        expect(rows.nth(1).locator("code")).to_have_text(HEALTH)
        expect(rows.nth(0).locator(".rule-title")).to_have_text("Bedingungslose Garantie")
        expect(page.locator("#reasons .reason-group").filter(has_text=HEALTH)).to_contain_text("3 von 4 (75.0 %)")
        page.get_by_label("Sprache der Seite").select_option("sv")
        expect(page.get_by_role("heading", name="Hur reglerna beter sig")).to_be_visible()
        expect(rows.nth(1).locator(".rule-title")).to_have_text("Hälsopåstående")
        expect(page.locator("#totals")).to_contain_text("Blockerad")
        page.screenshot(path=str(LAYOUT / "reports-sv-1280.png"), full_page=True)
