"""The /approvals page in headless Chromium against the real API: the queue, a decision, languages, 390 px."""
from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import RULES
from .live_server import serving
# The playground's browser fixture and screenshot helper, on this module's server.
from .test_playground_browser import CHROMIUM, WAIT_MS, browser, screenshot  # noqa: F401

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"no Chromium at {CHROMIUM} (Debian package 'chromium'); the browser test needs it")
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
CLAIM = "New drop: our insoles cure back pain, guaranteed. #running"
# markup in a post or a note is text to read, never markup to run
TRAP = '<img src=x onerror="document.body.dataset.owned=1">'


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def server(tmp_path_factory, checker):
    """The real app with an editor's key and two approvers'; yields (url, keys, app)."""
    from preflight.http.app import create_app

    db = tmp_path_factory.mktemp("approvals-page") / "preflight.db"
    app = create_app({"DATABASE_URL": f"sqlite:///{db}", "RULES_DIR": str(RULES)}, checker=checker)
    store = app.extensions["preflight"].store
    keys = {"editor": store.create_key("editor-anna", "check"), "lead": store.create_key("comms-lead", "approve"),
            "legal": store.create_key("legal-lee", "approve")}
    with serving(app) as url:
        yield url, keys, app


def request_approval(app, key: str, text: str, note: str) -> dict:
    response = app.test_client().post("/v1/approvals", headers=bearer(key),
                                      json={"submission": {"text": text, "language": "en", "platform": "x"}, "note": note})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture()
def open_page(browser, server):  # noqa: F811
    """A fresh context (empty storage) in `locale` at `width` on /approvals; fails on uncaught script errors."""
    contexts, errors = [], []

    def opener(width: int = 1280, locale: str = "en-GB"):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(server[0] + "/approvals")
        return page

    yield opener
    for context in contexts:
        context.close()
    assert errors == []


def save_key(page, key: str, label: str = "Approver API key") -> None:
    page.get_by_label(label).fill(key)
    page.locator("#key-form button[type=submit]").click()


def approver_sees(open_page, server, text: str, note: str, key: str = "lead"):
    """An editor's request for `text`, and the approvals page open on it with an approver's key: (page, card, request)."""
    url, keys, app = server
    asked = request_approval(app, keys["editor"], text, note)
    page = open_page(1280)
    save_key(page, keys[key])
    return page, card_of(page, asked), asked


def no_overflow(page) -> None:
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1], f"the page scrolls sideways: {sizes}"


def card_of(page, approval: dict):
    return page.locator(f'li.request[data-id="{approval["id"]}"]')


def test_an_approver_reads_the_post_with_its_findings_and_approves_it_with_a_comment(open_page, server):
    url, keys, app = server
    page, card, asked = approver_sees(open_page, server, CLAIM, "Medical team checked the claim; launch at 9.")
    expect(card.get_by_role("heading", level=2)).to_have_text("Requested by editor-anna")
    expect(card.locator(".chip.state-pending")).to_have_text("Pending")
    expect(card.locator(".note")).to_contain_text("Medical team checked the claim; launch at 9.")
    expect(card.locator(".post-view")).to_have_text(CLAIM)
    # the findings are underlined where they are in the post, by severity
    expect(card.locator("mark.sev-block")).to_have_text("cure")
    expect(card.locator("mark.sev-warning")).to_have_text("guaranteed")
    expect(card.locator('.finding[data-rule="misleading-claims/health-claim"]')).to_be_visible()
    expect(card.locator(".meta")).to_contain_text("Decide by")
    no_overflow(page)
    screenshot(page, "approvals-1280")

    card.get_by_label("Comment for the editor").fill("Fine with the medical team's sign-off.")
    card.get_by_role("button", name="Approve").click()
    decided = card_of(page, asked)
    expect(decided.locator(".chip.state-approved")).to_have_text("Approved")
    expect(decided.locator(".decisions")).to_contain_text("Approved by comms-lead")
    expect(decided.locator(".decisions q")).to_have_text("Fine with the medical team's sign-off.")
    expect(decided.get_by_role("button", name="Approve")).to_have_count(0)
    stored = app.test_client().get(f"/v1/approvals/{asked['id']}", headers=bearer(keys["editor"])).get_json()
    assert stored["state"] == "approved"
    assert stored["decisions"][0]["by"] == "comms-lead"
    assert stored["decisions"][0]["comment"] == "Fine with the medical team's sign-off."


def test_at_390_px_nothing_scrolls_sideways_and_pending_requests_come_first(open_page, server):
    url, keys, app = server
    waiting = request_approval(app, keys["editor"], "Our tea cures colds, guaranteed! " + "x" * 120, "A long word follows.")
    # a newer request already decided: the API lists it first, the page's queue puts the pending one above it
    newer = request_approval(app, keys["editor"], "Our tea cures coughs.", "")
    assert app.test_client().post(f"/v1/approvals/{newer['id']}/decision", headers=bearer(keys["legal"]),
                                  json={"decision": "reject", "comment": "No."}).status_code == 200
    page = open_page(390)
    save_key(page, keys["lead"])
    expect(card_of(page, waiting)).to_be_visible()
    no_overflow(page)
    screenshot(page, "approvals-390")
    page.get_by_label("Show").select_option("")
    cards = page.locator("li.request")
    expect(card_of(page, newer)).to_be_visible()
    expect(cards.first).to_have_class("request state-pending")
    states = cards.evaluate_all("cards => cards.map(c => c.className.replace('request state-', ''))")
    assert states == sorted(states, key=lambda s: s != "pending"), states
    no_overflow(page)


def test_a_rejection_needs_a_comment_and_the_requester_cannot_decide_their_own(open_page, server):
    url, keys, app = server
    own = request_approval(app, keys["legal"], "Our insoles cure back pain.", "my own")
    page, card, asked = approver_sees(open_page, server, CLAIM + " " + TRAP, TRAP, key="legal")
    expect(card.locator(".post-view")).to_contain_text(TRAP)
    assert page.locator(".requests img").count() == 0 and page.evaluate("document.body.dataset.owned") is None

    card.get_by_role("button", name="Reject").click()
    expect(card.locator(".error")).to_have_text("Say in the comment why you reject it: the editor sees it.")
    card.get_by_label("Comment for the editor").fill("We cannot claim a cure.")
    card.get_by_role("button", name="Reject").click()
    expect(card_of(page, asked).locator(".chip.state-rejected")).to_have_text("Rejected")
    expect(card_of(page, asked).locator(".decisions q")).to_have_text("We cannot claim a cure.")

    mine = card_of(page, own)
    mine.get_by_role("button", name="Approve").click()
    expect(mine.locator(".error")).to_have_text("You asked for this approval yourself: someone else has to decide it.")
    assert app.test_client().get(f"/v1/approvals/{own['id']}", headers=bearer(keys["lead"])).get_json()["state"] == "pending"


def test_an_edited_text_that_is_still_blocked_is_refused_with_its_findings(open_page, server):
    url, keys, app = server
    page, card, asked = approver_sees(open_page, server, CLAIM, "")
    card.get_by_label("Edit the text before approving").check()
    card.get_by_label("Approved text").fill("Our insoles cure everything.")
    card.get_by_role("button", name="Approve").click()
    expect(card.locator(".error")).to_contain_text("Your edited text is blocked too")
    expect(card.locator('.error .finding[data-rule="misleading-claims/health-claim"]')).to_be_visible()

    card.get_by_label("Approved text").fill("New drop: our insoles, made for running. #running")
    card.get_by_role("button", name="Approve").click()
    expect(card_of(page, asked).locator(".chip.state-approved")).to_be_visible()
    stored = app.test_client().get(f"/v1/approvals/{asked['id']}", headers=bearer(keys["editor"])).get_json()
    assert stored["text"] == "New drop: our insoles, made for running. #running"


def test_the_page_speaks_the_browsers_language_and_switches(open_page, server):
    url, keys, app = server
    page = open_page(1280, locale="de-DE")
    expect(page.locator("h1")).to_have_text("Beiträge, die auf Freigabe warten")
    assert page.evaluate("document.documentElement.lang") == "de"
    save_key(page, keys["lead"], label="API-Schlüssel der Freigabe")
    expect(page.locator(".request").first.get_by_role("button", name="Freigeben")).to_be_visible()
    page.get_by_label("Sprache").select_option("sv")
    expect(page.locator("h1")).to_have_text("Inlägg som väntar på godkännande")
    expect(page.locator(".request").first.get_by_role("button", name="Godkänn")).to_be_visible()
    page.reload()
    expect(page.locator("h1")).to_have_text("Inlägg som väntar på godkännande")


def test_a_check_key_is_told_it_may_not_approve(open_page, server):
    url, keys, app = server
    page = open_page(1280)
    save_key(page, keys["editor"])
    expect(page.locator("#error")).to_have_text("This key may not approve (403). Ask an administrator for a key with the approve scope.")
    expect(page.locator("#queue")).to_be_hidden()


def test_in_crisis_mode_the_crisis_team_approves_and_adds_the_post_to_the_approved_statements(open_page, server):
    url, keys, app = server
    client = app.test_client()
    admin = bearer(app.extensions["preflight"].store.create_key("crisis-admin", "admin"))
    assert client.put("/v1/crisis/team", json={"keys": ["comms-lead"]}, headers=admin).status_code == 200
    assert client.put("/v1/crisis", json={"active": True, "message": "Outage"}, headers=admin).status_code == 200
    try:
        text = "Service is back for most customers; updates follow every hour."
        page, card, asked = approver_sees(open_page, server, text, "For the status page.")
        expect(card.locator(".crisis-chip")).to_have_text("Crisis mode")
        card.get_by_label("Also add it to the approved statements for this crisis").check()
        card.get_by_role("button", name="Approve").click()
        expect(card_of(page, asked).locator(".chip.state-approved")).to_be_visible()
        assert text in client.get("/v1/crisis", headers=admin).get_json()["approved_statements"]
    finally:
        assert client.put("/v1/crisis", json={"active": False}, headers=admin).status_code == 200
