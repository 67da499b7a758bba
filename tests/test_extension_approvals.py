"""The extension's approval flow in real Chromium against the live API: request, approve, publish; reject; edit after."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import RULES
from .extension_harness import CHROMIUM, LiveApi, screenshot
# The extension's browser and configured composer page, on this module's server.
from .test_extension_e2e import BADGE, browser, configure, expect, page, type_on_x  # noqa: F401

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"no Chromium at {CHROMIUM} (Debian package 'chromium'); the browser test needs it")
CLAIM = "New drop: our insoles cure back pain, guaranteed. #running"
# a brand whose warnings need an approver's yes: its editors cannot publish them anyway on their own
REGULATED = "id: regulated\nname: Regulated Brand\napproval_required: warn\n"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """The live API on the shipped rules plus the regulated profile."""
    rules = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(RULES, rules)
    (rules / "profiles" / "regulated.yaml").write_text(REGULATED, encoding="utf-8")
    live = LiveApi(tmp_path_factory.mktemp("extension-api") / "preflight.db", rules)
    yield live
    live.close()


def approver(api) -> dict:  # noqa: F811
    """Headers of an approver's key: it stays on the approver's side (here the test, in life the approvals page)."""
    if "approver" not in api.__dict__:
        api.approver = {"Authorization": f"Bearer {api.service.store.create_key('comms-lead', 'approve')}"}
    return api.approver


def request_in_the_gate(page, note: str, heading: str = "This post would be blocked", buttons: list | None = None) -> None:
    """Post → the gate dialog (`heading`, and exactly `buttons` when given) → Request approval… with a note → sent."""
    page.get_by_role("button", name="Post", exact=True).click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog.get_by_role("heading")).to_have_text(heading)
    if buttons is not None:
        expect(dialog.get_by_role("button")).to_have_text(buttons)
    dialog.get_by_role("button", name="Request approval…").click()
    dialog.get_by_label("Note for the approver (optional)").fill(note)
    dialog.get_by_role("button", name="Send request").click()
    expect(dialog).to_have_count(0)
    expect(page.locator(BADGE)).to_have_text("Waiting for approval")


def the_request(api, text: str) -> dict:  # noqa: F811
    listed = api.app.test_client().get("/v1/approvals?state=pending", headers=approver(api)).get_json()["approvals"]
    mine = [a for a in listed if a["text"] == text]
    assert len(mine) == 1, listed
    return mine[0]


def decide(api, approval: dict, decision: str, comment: str, text: str | None = None) -> None:  # noqa: F811
    edited = {"text": text} if text is not None else {}
    response = api.app.test_client().post(f"/v1/approvals/{approval['id']}/decision", headers=approver(api),
                                          json={"decision": decision, "comment": comment, **edited})
    assert response.status_code == 200, response.get_json()


def decided_in_a_composer(page, api, text: str, note: str, decision: str, comment: str) -> dict:  # noqa: F811
    """Types a blocked post, requests an approval from the gate, and has the approver decide it; the request."""
    type_on_x(page, text)
    expect(page.locator(BADGE)).to_contain_text("Blocked")
    request_in_the_gate(page, note)
    asked = the_request(api, text)
    decide(api, asked, decision, comment)
    return asked


def held(page, standing: str):
    """Post is held: the gate dialog says where the request stands and offers a new one."""
    page.get_by_role("button", name="Post", exact=True).click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog.locator(".approval-status")).to_contain_text(standing)
    expect(dialog.get_by_role("button", name="Request approval…")).to_be_visible()
    return dialog


def go_back(page) -> None:
    page.get_by_role("alertdialog").get_by_role("button", name="Go back and fix").click()
    expect(page.locator("#posted li")).to_have_count(0)


def test_request_approve_publish_in_a_composer(page, api):  # noqa: F811
    type_on_x(page, CLAIM)
    expect(page.locator(BADGE)).to_have_text("Blocked · 2")
    request_in_the_gate(page, "Medical team signed off the claim.")
    screenshot(page, "x-approval-waiting")
    asked = the_request(api, CLAIM)
    assert asked["requested_by"] == "extension" and asked["note"] == "Medical team signed off the claim."
    # waiting is not approved: Post is still held, and the dialog says what it waits for
    page.get_by_role("button", name="Post", exact=True).click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog.locator(".approval-status")).to_contain_text("waiting for an approver")
    expect(dialog.get_by_role("button", name="Request approval…")).to_have_count(0)
    go_back(page)

    decide(api, asked, "approve", "Fine with the sign-off.")
    # the worker's poll hears it; the check with the request's id says it covers exactly this text
    expect(page.locator(BADGE)).to_have_text("✓ Approved")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#posted li")).to_have_text([CLAIM])
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    checks = [body for body, status, _ in api.requests.of("/v1/check") if body.get("approval_id") == asked["id"]]
    assert checks, "the checks after the request carry its id"
    assert api.key not in page.content() and approver(api)["Authorization"][7:] not in page.content()


def test_a_rejection_shows_the_approvers_comment(page, api):  # noqa: F811
    comment = "We cannot claim a cure: say it soothes instead."
    decided_in_a_composer(page, api, "Our tea cures colds, guaranteed.", "", "reject", comment)
    expect(page.locator(BADGE)).to_have_text("Rejected")
    expect(page.locator(BADGE)).to_have_attribute("aria-label", f"preflight: an approver rejected this post: “{comment}”")
    # the editor may ask again (with the text changed, or a better note)
    dialog = held(page, f"Rejected by comms-lead: “{comment}”")
    expect(dialog.locator(".approval-status")).to_have_text(f"Rejected by comms-lead: “{comment}”")
    screenshot(page, "x-approval-rejected")
    go_back(page)


def test_text_edited_after_the_approval_is_held_again(page, api):  # noqa: F811
    text = "Our socks cure blisters, guaranteed."
    decided_in_a_composer(page, api, text, "For the launch.", "approve", "")
    expect(page.locator(BADGE)).to_have_text("✓ Approved")

    page.locator('[data-testid="tweetTextarea_0"]').press("End")
    page.keyboard.type("!")
    expect(page.locator(BADGE)).to_contain_text("Blocked")
    held(page, "does not apply to this text")
    go_back(page)

    # back to exactly the approved text, the approval applies again
    page.keyboard.press("Backspace")
    expect(page.locator(BADGE)).to_have_text("✓ Approved")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#posted li")).to_have_text([text])


def test_an_approval_of_the_approvers_edit_shows_that_text_and_lets_exactly_it_out(page, api):  # noqa: F811
    text, better = "Our gel cures sore feet, guaranteed.", "Our gel soothes sore feet."
    type_on_x(page, text)
    expect(page.locator(BADGE)).to_contain_text("Blocked")
    request_in_the_gate(page, "")
    decide(api, the_request(api, text), "approve", "Reworded the claim.", text=better)
    # the composer still has the editor's text, which the approval is not for: once the worker hears of it, it is held
    expect(page.locator(BADGE)).to_contain_text("Blocked")
    dialog = held(page, "does not apply to this text")
    expect(dialog.locator(".approved-text")).to_have_text(better)
    go_back(page)
    page.locator('[data-testid="tweetTextarea_0"]').press("Control+a")
    page.keyboard.type(better)
    expect(page.locator(BADGE)).to_have_text("✓ Approved")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#posted li")).to_have_text([better])


def test_an_approvers_key_in_the_options_is_refused(browser, api):  # noqa: F811
    context, extension_id = browser
    options = context.new_page()
    options.goto(f"chrome-extension://{extension_id}/options/options.html")
    options.get_by_label("API URL").fill(api.url)
    options.get_by_label("API key").fill(api.service.store.create_key("approver-in-a-browser", "approve"))
    options.get_by_role("button", name="Test connection").click()
    expect(options.locator("#testResult")).to_contain_text("This is an approver's key")
    options.close()


def test_in_crisis_mode_a_post_the_crisis_team_approves_goes_out(page, api):  # noqa: F811
    admin = {"Authorization": f"Bearer {api.service.store.create_key('crisis-admin', 'admin')}"}
    client = api.app.test_client()
    approver(api)
    assert client.put("/v1/crisis/team", json={"keys": ["comms-lead"]}, headers=admin).status_code == 200
    crisis = {"active": True, "message": "Outage: holding statements only"}
    assert client.put("/v1/crisis", json=crisis, headers=admin).status_code == 200
    try:
        text = "Our service is back for most customers; we are still working on the rest."
        type_on_x(page, text)
        expect(page.locator(BADGE)).to_have_text("Blocked · 1")
        request_in_the_gate(page, "Status update for the outage page.", heading="Publishing is paused",
                            buttons=["Request approval…", "Go back and fix"])
        asked = the_request(api, text)
        assert asked["crisis"] is True
        decide(api, asked, "approve", "Matches the incident log.")
        expect(page.locator(BADGE)).to_have_text("✓ Approved")
        page.get_by_role("button", name="Post", exact=True).click()
        expect(page.locator("#posted li")).to_have_text([text])
    finally:
        assert client.put("/v1/crisis", json={"active": False}, headers=admin).status_code == 200


def choose_profile(browser, profile: str) -> None:  # noqa: F811
    context, extension_id = browser
    options = context.new_page()
    options.goto(f"chrome-extension://{extension_id}/options/options.html")
    # the page lists the server's profiles once on opening (another listing would reset the choice)
    expect(options.locator("#profile option[value=regulated]")).to_have_count(1)
    options.locator("#profile").select_option(profile)
    options.get_by_role("button", name="Save").click()
    expect(options.locator("#saved")).to_have_text("Saved.")
    options.close()


def test_where_the_profile_wants_an_approval_a_warning_cannot_be_published_anyway(browser, api, page):  # noqa: F811
    configure(browser, api.url, api.key, warn_confirm=False)
    choose_profile(browser, "regulated")
    try:
        text = "Our insoles are guaranteed to last."
        type_on_x(page, text)
        expect(page.locator(BADGE)).to_have_text("Warnings · 1")
        # the editor chose not to confirm warnings, but this brand's warnings need an approver: no publishing anyway
        request_in_the_gate(page, "", heading="This post has warnings (1)", buttons=["Request approval…", "Go back"])
        asked = the_request(api, text)
        assert asked["profile"] == "regulated" and asked["verdict"] == "warn"
        decide(api, asked, "approve", "")
        expect(page.locator(BADGE)).to_have_text("✓ Approved")
        page.get_by_role("button", name="Post", exact=True).click()
        expect(page.locator("#posted li")).to_have_text([text])
    finally:
        choose_profile(browser, "")
