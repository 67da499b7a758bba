"""The /reports page in headless Chromium: the key, the bars, verdicts over time, the table and the approvals."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import update

from preflight.storage.models import ApprovalRow, CheckRow

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
    expect(page.locator("#approvals-empty")).to_have_text("No approval requests in this period.")
    expect(page.locator("#approvals-body")).to_be_hidden()
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


# (text, decision by an approver or None for still pending, hours from request to decision)
APPROVAL_REQUESTS = [("Our shoes cure back pain, guaranteed.", "approve", 0.5),
                     ("Our shoes cure back pain.", "reject", 2),
                     ("Our cream works every time, guaranteed.", "approve", 5),
                     ("Our cream works every time, guaranteed.", None, None)]


@pytest.fixture(scope="module")
def approvals_server(tmp_path_factory, checker):
    """An app of its own, so its approval requests (each one a check) leave the other tests' counts alone."""
    from preflight.http.app import create_app

    db = tmp_path_factory.mktemp("reports-approvals") / "preflight.db"
    app = create_app({"DATABASE_URL": f"sqlite:///{db}", "RULES_DIR": str(RULES)}, checker=checker)
    service = app.extensions["preflight"]
    store = service.store
    editor, approver, owner = (store.create_key(n, scope) for n, scope in
                               (("editor", "check"), ("lead", "approve"), ("owner", "admin")))
    client = app.test_client()
    now = datetime.now(timezone.utc)
    for text, decision, hours in APPROVAL_REQUESTS:
        response = client.post("/v1/approvals", json={"submission": {"text": text, "language": "en"}},
                               headers={"Authorization": f"Bearer {editor}"})
        assert response.status_code == 201, response.get_json()
        if decision is None:
            continue
        approval_id = response.get_json()["id"]
        response = client.post(f"/v1/approvals/{approval_id}/decision", json={"decision": decision},
                               headers={"Authorization": f"Bearer {approver}"})
        assert response.status_code == 200, response.get_json()
        # decided the moment it was asked: move the request back so the time to a decision is known
        with store._sessions.begin() as session:
            session.execute(update(ApprovalRow).where(ApprovalRow.id == approval_id).values(
                requested_at=now - timedelta(hours=hours), decided_at=now))
    with serving(app) as url:
        yield url, owner


def show_approvals(page, key: str) -> None:
    page.locator("#api-key").fill(key)
    page.locator("#key-form button[type=submit]").click()
    expect(page.locator("#approvals-body")).to_be_visible()


def test_a_policy_owner_sees_how_approval_requests_were_decided_per_rule(browser, approvals_server):  # noqa: F811
    with sized_page(browser, approvals_server[0] + "/reports", 1280) as page:
        show_approvals(page, approvals_server[1])
        expect(page.locator("#approvals-empty")).to_be_hidden()
        totals = page.locator("#approval-totals")
        # four requests: one pending, two approved, one rejected; decisions after 0.5, 2 and 5 hours
        expect(totals.locator("dt")).to_have_text(["Requests", "Pending", "Approved", "Rejected", "Expired",
                                                   "Median time to decision"])
        expect(totals.locator("dd")).to_have_text(["4", "1", "2", "1", "0", "2.0 h"])
        rows = page.locator("#approvals-table tbody tr")
        expect(rows).to_have_count(2)
        # the guarantee was in three requests (two approved, one pending), the health claim in two (one each way)
        expect(rows.nth(0).locator("code")).to_have_text(GUARANTEE)
        expect(rows.nth(0).locator("td")).to_have_text(["Unconditional guarantee" + GUARANTEE, "3", "2 (100.0 %)", "0 (0.0 %)"])
        expect(rows.nth(1).locator("code")).to_have_text(HEALTH)
        expect(rows.nth(1).locator("td").nth(2)).to_have_text("1 (50.0 %)")
        expect(rows.nth(1).locator("td").nth(3)).to_have_text("1 (50.0 %)")
        LAYOUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(LAYOUT / "reports-approvals-1280.png"), full_page=True)

        page.get_by_label("Page language").select_option("nl")
        expect(page.get_by_role("heading", name="Goedkeuringen")).to_be_visible()
        expect(totals.locator("dt")).to_have_text(["Aanvragen", "Openstaand", "Goedgekeurd", "Afgewezen", "Verlopen",
                                                   "Mediane tijd tot beslissing"])
        expect(totals.locator("dd").last).to_have_text("2.0 u")
        expect(rows.nth(1).locator(".rule-title")).to_have_text("Gezondheidsclaim")
        expect(page.locator("#approvals-table thead")).to_contain_text("Goedgekeurd")

        page.get_by_label("Van", exact=True).fill("2020-01-01")
        page.get_by_label("Tot en met").fill("2020-01-31")
        page.get_by_role("button", name="Tonen").click()
        expect(page.locator("#approvals-empty")).to_have_text("Geen goedkeuringsaanvragen in deze periode.")
        expect(page.locator("#approvals-body")).to_be_hidden()


@pytest.mark.parametrize("locale", ["en-US", "sv-SE"])  # Swedish has long column headings
def test_the_approvals_fit_a_phone(browser, approvals_server, locale):  # noqa: F811
    with sized_page(browser, approvals_server[0] + "/reports", 390, locale=locale) as page:
        show_approvals(page, approvals_server[1])
        expect(page.locator("#approvals-table tbody tr")).to_have_count(2)
        expect(page.locator("#approval-totals dd").last).to_have_text("2.0 h" if locale == "en-US" else "2.0 tim")
        measured = overflow(page)
        assert measured["scroll"] <= measured["client"], measured
        LAYOUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(LAYOUT / f"reports-approvals-{locale[:2]}-390.png"), full_page=True)
        table = page.locator("#approvals-table").bounding_box()
        assert table["x"] + table["width"] <= 390, table
