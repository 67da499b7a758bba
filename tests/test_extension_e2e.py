"""The extension in real headless Chromium against a live API: underlines, suggestions, the gate, offline."""
from __future__ import annotations

import base64
import io
import json
import socket
from contextlib import contextmanager
from pathlib import Path

import pytest

from .extension_harness import (CHROMIUM, CHROMIUM_ARGS, WAIT_MS, LiveApi, route_fixtures, scheduler_page,
                                screenshot)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"no Chromium at {CHROMIUM} (Debian package 'chromium'); the browser test needs it")
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
expect.set_options(timeout=WAIT_MS)

CLAIM = "🎉 Our shoes cure back pain, guaranteed!"
# the same findings without the emoji, which this machine's fonts cannot draw, for the README's pictures
PLAIN_CLAIM = "New drop: our insoles cure back pain, guaranteed. #running"
BADGE = "preflight-overlay .badge"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    live = LiveApi(tmp_path_factory.mktemp("extension-api") / "preflight.db")
    yield live
    live.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Chromium with the unpacked extension in a persistent profile; yields (context, extension id)."""
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")), executable_path=CHROMIUM, headless=False, args=CHROMIUM_ARGS,
            viewport={"width": 1100, "height": 760}, timeout=WAIT_MS)
        context.set_default_timeout(WAIT_MS)
        worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
        route_fixtures(context)
        yield context, worker.url.split("/")[2]
        context.close()


def configure(browser, api_url: str, key: str, *, warn_confirm: bool = True, when_unchecked: str = "hold") -> None:
    """Sets the API URL and key on the options page, as an editor would, and tests the connection."""
    context, extension_id = browser
    options = context.new_page()
    options.goto(f"chrome-extension://{extension_id}/options/options.html")
    options.get_by_label("API URL").fill(api_url)
    options.get_by_label("API key").fill(key)
    options.get_by_role("button", name="Test connection").click()
    expect(options.locator("#testResult")).to_contain_text("Connected")
    expect(options.locator("#profile option[value=example]")).to_have_count(1)
    warn = options.get_by_label("Ask before publishing a post with warnings")
    if warn.is_checked() != warn_confirm:
        warn.click()
    options.get_by_label("When preflight cannot check a post").select_option(when_unchecked)
    options.get_by_role("button", name="Save").click()
    expect(options.locator("#saved")).to_have_text("Saved.")
    screenshot(options, "options")
    options.close()


@pytest.fixture()
def page(browser, api):
    configure(browser, api.url, api.key)
    context, _ = browser
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    page.close()
    assert errors == [], "nothing is thrown into the page"


def word_rect(page, selector: str, word: str) -> dict:
    """The rendered box of the first occurrence of `word` in the composer's text nodes."""
    return page.evaluate("""([selector, word]) => {
        const root = document.querySelector(selector);
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(word);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + word.length);
            const r = range.getBoundingClientRect();
            return {left: r.left, right: r.right, bottom: r.bottom};
        }
        return null;
    }""", [selector, word])


def underline_rect(page, rule: str) -> dict:
    return page.locator(f'preflight-overlay .underline[data-rule="{rule}"]').first.evaluate(
        "n => { const r = n.getBoundingClientRect(); return {left: r.left, right: r.right, bottom: r.bottom}; }")


def assert_under(page, editor: str, word: str, rule: str) -> None:
    expected, drawn = word_rect(page, editor, word), underline_rect(page, rule)
    assert abs(drawn["left"] - expected["left"]) < 1.5 and abs(drawn["right"] - expected["right"]) < 1.5, (word, expected, drawn)
    assert abs(drawn["bottom"] - expected["bottom"]) < 1.5, (word, expected, drawn)


X_EDITOR = '[data-testid="tweetTextarea_0"]'


def type_on_x(page, text: str) -> None:
    page.goto("https://x.com/home")
    editor = page.locator(X_EDITOR)
    editor.click()
    editor.press_sequentially(text)


def test_x_claim_after_an_emoji_is_underlined_in_place_and_counted(page, api):
    type_on_x(page, CLAIM)
    expect(page.locator(BADGE)).to_have_text("Blocked · 2")
    expect(page.locator(BADGE)).to_have_attribute("aria-label", "preflight: Blocked, findings: 2. Show the list.")
    assert_under(page, X_EDITOR, "cure", "misleading-claims/health-claim")
    assert_under(page, X_EDITOR, "guaranteed", "misleading-claims/absolute-guarantee")
    assert page.locator(X_EDITOR).inner_text().strip() == CLAIM, "the composer's own DOM is left alone"
    assert api.key not in page.content(), "the key never reaches the page"

    word = word_rect(page, X_EDITOR, "cure")
    page.mouse.move((word["left"] + word["right"]) / 2, word["bottom"] - 6)
    card = page.locator("preflight-overlay .card")
    expect(card.locator(".message")).to_contain_text("cure")
    expect(card.locator(".rule code")).to_have_text("misleading-claims/health-claim")
    # a health claim is the brand's to reword: the card says what to do and offers nothing to click into the post
    expect(card.locator(".suggestions button")).to_have_count(0)
    expect(card.locator(".guidance li").first).to_contain_text("Remove the claim")
    screenshot(page, "x-warnings")

    page.locator(BADGE).focus()
    page.keyboard.press("Enter")
    panel = page.locator("preflight-overlay .panel")
    expect(panel.get_by_role("heading")).to_have_text("Blocked · findings: 2")
    expect(panel.locator("article.finding")).to_have_count(2)
    expect(page.locator(BADGE)).to_have_attribute("aria-expanded", "true")
    screenshot(page, "x-panel")
    page.keyboard.press("Escape")
    expect(panel).to_have_count(0)


def test_post_on_a_blocking_post_opens_the_gate_and_does_not_submit(page):
    type_on_x(page, PLAIN_CLAIM)
    expect(page.locator(BADGE)).to_have_text("Blocked · 2")
    assert_under(page, X_EDITOR, "guaranteed", "misleading-claims/absolute-guarantee")
    word = word_rect(page, X_EDITOR, "cure")
    page.mouse.move((word["left"] + word["right"]) / 2, word["bottom"] - 6)
    expect(page.locator("preflight-overlay .card")).to_be_visible()
    page.mouse.move(5, 700)
    expect(page.locator("preflight-overlay .card")).to_have_count(0)
    page.locator(BADGE).click()
    expect(page.locator("preflight-overlay .panel article.finding")).to_have_count(2)
    screenshot(page, "readme-warnings", clip={"x": 230, "y": 20, "width": 640, "height": 560})
    page.keyboard.press("Escape")
    expect(page.locator("preflight-overlay .panel")).to_have_count(0)
    page.get_by_role("button", name="Post", exact=True).click()

    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("This post would be blocked")
    expect(dialog).to_contain_text("misleading-claims/health-claim")
    expect(dialog).not_to_contain_text("misleading-claims/absolute-guarantee")
    screenshot(page, "readme-gate", clip={"x": 230, "y": 20, "width": 640, "height": 500})
    for _ in range(5):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "PREFLIGHT-OVERLAY", "focus stays in the dialog"

    dialog.get_by_role("button", name="Go back and fix").click()
    expect(dialog).to_have_count(0)
    expect(page.locator("#posted li")).to_have_count(0)
    assert page.evaluate("document.activeElement.dataset.testid") == "tweetTextarea_0", "focus returns to the composer"

    page.keyboard.press("Control+Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.locator("#posted li")).to_have_count(0)


def test_post_pressed_before_the_check_answered_still_waits_for_it(page):
    type_on_x(page, CLAIM)
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("alertdialog").get_by_role("heading")).to_have_text("This post would be blocked")
    expect(page.locator("#posted li")).to_have_count(0)


def restricted_picture(api) -> bytes:
    """A picture registered as restricted in the API's image references, as an admin would register it."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (320, 240), "white")
    draw = ImageDraw.Draw(picture)
    for i in range(8):
        draw.rectangle((i * 40, (i * 29) % 200, i * 40 + 30, (i * 29) % 200 + 40), fill=(30 * i, 200 - 20 * i, 90))
    draw.ellipse((110, 70, 230, 190), fill=(200, 30, 40))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    admin = {"Authorization": f"Bearer {api.service.store.create_key('picture-desk', 'admin')}"}
    form = {"label": "Campaign shot 2024", "source": "Agency archive 88", "status": "restricted",
            "file": (io.BytesIO(buffer.getvalue()), "shot.png")}
    answer = api.app.test_client().post("/v1/images/references", data=form, headers=admin, content_type="multipart/form-data")
    assert answer.status_code == 201, answer.get_json()
    return buffer.getvalue()


def test_attached_restricted_image_blocks_and_shows_both_pictures_in_the_panel(page, api):
    picture = base64.b64encode(restricted_picture(api)).decode("ascii")
    type_on_x(page, "Our new trail shoe")
    expect(page.locator(BADGE)).to_have_text("✓ OK")
    page.evaluate("""data => {
        const img = new Image();
        img.alt = "A red shoe";
        img.src = "data:image/png;base64," + data;
        document.querySelector('[data-testid="attachments"]').append(img);
    }""", picture)
    expect(page.locator(BADGE)).to_have_text("Blocked · 1")
    expect(page.locator("preflight-overlay .underline")).to_have_count(0)

    sent = [req for req, status, _ in api.requests.of("/v1/check") if status == 200 and req.get("images")]
    assert [image["alt"] for image in sent[-1]["images"]] == ["A red shoe"]
    assert base64.b64decode(sent[-1]["images"][0]["data"])[:3] == b"\xff\xd8\xff", "sent as JPEG"

    page.locator(BADGE).click()
    finding = page.locator("preflight-overlay .panel article.finding")
    expect(finding).to_have_count(1)
    expect(finding).to_contain_text("Campaign shot 2024")
    pictures = finding.locator(".images img")
    expect(pictures).to_have_count(2)
    expect(pictures.nth(0)).to_have_attribute("alt", "Attached image")
    expect(pictures.nth(1)).to_have_attribute("alt", "Matching image: Campaign shot 2024")
    assert all(src.startswith("data:image/jpeg;base64,") for src in pictures.evaluate_all("ns => ns.map(n => n.src)"))
    screenshot(page, "x-image-finding")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("alertdialog").get_by_role("heading")).to_have_text("This post would be blocked")
    expect(page.locator("#posted li")).to_have_count(0)


def test_publish_anyway_records_the_reason_and_submits(page, api):
    type_on_x(page, CLAIM)
    expect(page.locator(BADGE)).to_have_text("Blocked · 2")
    page.get_by_role("button", name="Post", exact=True).click()
    dialog = page.get_by_role("alertdialog")
    dialog.get_by_role("button", name="Publish anyway…").click()
    reason = dialog.get_by_label("Why publish anyway? (recorded)")
    expect(reason).to_be_focused()
    dialog.get_by_role("button", name="Record reason and publish").click()
    expect(dialog.get_by_role("alert")).to_have_text("Please give a reason.")
    reason.fill("ok")
    dialog.get_by_role("button", name="Record reason and publish").click()
    expect(dialog.get_by_role("alert")).to_contain_text("at least 3 characters")
    reason.fill("Approved by legal: the claim is backed by the 2025 clinical study.")
    screenshot(page, "x-gate-reason")
    dialog.get_by_role("button", name="Record reason and publish").click()

    expect(page.locator("#posted li")).to_have_text([CLAIM])
    expect(dialog).to_have_count(0)
    assert [status for _, status, _ in api.requests.of("/v1/overrides")] == [201]
    answered = api.requests.of("/v1/overrides")[0][2]["override"]
    stored = api.service.governance.store.overrides_of(answered["check_id"])
    assert [(o["reason"], o["rules"]) for o in stored] == [
        ("Approved by legal: the claim is backed by the 2025 clinical study.", ["misleading-claims/health-claim"])]


def test_crisis_mode_pauses_publishing_and_shows_its_message(page, api):
    admin = {"Authorization": f"Bearer {api.service.store.create_key('comms-lead', 'admin')}"}
    crisis = {"active": True, "message": "Product recall in progress: no promotional posts"}
    assert api.app.test_client().put("/v1/crisis", json=crisis, headers=admin).status_code == 200
    try:
        type_on_x(page, "New colours in store this week!")
        expect(page.locator(BADGE)).to_have_text("Blocked · 1")
        expect(page.locator("preflight-overlay .underline")).to_have_count(0)
        page.get_by_role("button", name="Post", exact=True).click()
        dialog = page.get_by_role("alertdialog")
        expect(dialog.get_by_role("heading")).to_have_text("Publishing is paused")
        expect(dialog.locator(".crisis")).to_contain_text("Product recall in progress: no promotional posts")
        expect(dialog.locator(".crisis")).to_contain_text("by comms-lead")
        # only approved statements go out, or a post the crisis team approves: nothing publishes past this dialog
        expect(dialog.get_by_role("button")).to_have_text(["Request approval…", "Go back and fix"])
        expect(dialog).to_contain_text("This post is not one of the approved statements")
        screenshot(page, "x-crisis")
        dialog.get_by_role("button", name="Go back and fix").click()
        expect(page.locator("#posted li")).to_have_count(0)
    finally:
        assert api.app.test_client().put("/v1/crisis", json={"active": False}, headers=admin).status_code == 200


def test_where_the_deployment_allows_it_a_crisis_post_needs_a_reason_of_the_stated_length(page, api):
    admin = {"Authorization": f"Bearer {api.service.store.create_key('crisis-lead', 'admin')}"}
    crisis = {"active": True, "message": "Outage: holding statements only"}
    api.app.config["CRISIS_OVERRIDES"] = True
    assert api.app.test_client().put("/v1/crisis", json=crisis, headers=admin).status_code == 200
    try:
        type_on_x(page, "New colours in store this week!")
        expect(page.locator(BADGE)).to_have_text("Blocked · 1")
        page.get_by_role("button", name="Post", exact=True).click()
        dialog = page.get_by_role("alertdialog")
        dialog.get_by_role("button", name="Publish anyway…").click()
        reason = dialog.get_by_label("Why must this post go out during the crisis? (at least 20 characters, recorded)")
        reason.fill("legal said ok")
        dialog.get_by_role("button", name="Record reason and publish").click()
        expect(dialog.get_by_role("alert")).to_contain_text("Please give a reason of at least 20 characters: who approved it")
        expect(page.locator("#posted li")).to_have_count(0)
        reason.fill("The recall notice itself, approved by legal at 14:05.")
        dialog.get_by_role("button", name="Record reason and publish").click()
        expect(page.locator("#posted li")).to_have_text(["New colours in store this week!"])
        assert api.requests.of("/v1/overrides")[-1][1] == 201
    finally:
        api.app.config["CRISIS_OVERRIDES"] = False
        assert api.app.test_client().put("/v1/crisis", json={"active": False}, headers=admin).status_code == 200


def test_suggestion_goes_through_a_lexical_editors_own_input_handling(page):
    page.goto("https://www.threads.net/")
    editor = page.locator("[data-lexical-editor]")
    editor.click()
    editor.press_sequentially("Cheap shoes for everyone")
    expect(page.locator(BADGE)).to_have_text("OK · 1")
    assert_under(page, "[data-lexical-editor]", "Cheap", "brand-tone/preferred-term")

    page.locator(BADGE).click()
    page.locator("preflight-overlay .panel .suggestions button", has_text="Affordable").click()

    assert page.evaluate("editorState.lines.join('\\n')") == "Affordable shoes for everyone", "the editor's model changed"
    expect(editor).to_have_text("Affordable shoes for everyone")
    expect(page.locator(BADGE)).to_have_text("✓ OK")
    screenshot(page, "threads-after-suggestion")
    page.keyboard.press("Escape")
    expect(page.locator("preflight-overlay .panel")).to_have_count(0)
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#posted li")).to_have_text(["Affordable shoes for everyone"])


def test_textarea_on_an_enabled_site_gets_warnings_and_a_light_confirmation(browser, api, page):
    context, extension_id = browser
    origin = api.url.replace(str(api.httpd.server_port), str(unused_port()))
    scheduler_page(context, origin)
    options = context.new_page()
    options.goto(f"chrome-extension://{extension_id}/options/options.html")
    options.evaluate("""origin => chrome.runtime.sendMessage({type: preflight.MSG.ENABLE_SITE, origin})""", origin)
    options.close()

    page.goto(f"{origin}/compose")
    textarea = page.get_by_label("Post", exact=True)
    checks_before, overrides_before = len(api.requests.of("/v1/check")), len(api.requests.of("/v1/overrides"))
    textarea.click()
    textarea.press_sequentially("Our cream never fails.")
    expect(page.locator(BADGE)).to_have_text("Warnings · 1")
    drawn = underline_rect(page, "misleading-claims/absolute-guarantee")
    expected = page.evaluate("""() => {
        const t = document.querySelector("textarea"), s = getComputedStyle(t), c = document.createElement("canvas").getContext("2d");
        c.font = `${s.fontSize} ${s.fontFamily}`;
        const left = t.getBoundingClientRect().left + parseFloat(s.borderLeftWidth) + parseFloat(s.paddingLeft);
        return {left: left + c.measureText("Our cream ").width, right: left + c.measureText("Our cream never fails").width};
    }""")
    assert abs(drawn["left"] - expected["left"]) < 2 and abs(drawn["right"] - expected["right"]) < 2, (expected, drawn)

    page.get_by_role("button", name="Schedule").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog.get_by_role("heading")).to_have_text("This post has warnings (1)")
    screenshot(page, "textarea-warn")
    dialog.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator("#posted li")).to_have_text(["Our cream never fails."])
    # the confirmed warning is an override policy owners see, and every check of this post was one draft
    recorded = api.requests.of("/v1/overrides")[overrides_before:]
    assert [(req["rules"], status) for req, status, _ in recorded] == [(["misleading-claims/absolute-guarantee"], 201)]
    drafts = {req.get("draft_id") for req, _, _ in api.requests.of("/v1/check")[checks_before:]}
    assert len(drafts) == 1 and None not in drafts


def test_warn_confirmation_can_be_turned_off(browser, api, page):
    configure(browser, api.url, api.key, warn_confirm=False)
    type_on_x(page, "Our cream never fails.")
    expect(page.locator(BADGE)).to_have_text("Warnings · 1")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#posted li")).to_have_text(["Our cream never fails."])
    expect(page.get_by_role("alertdialog")).to_have_count(0)


def test_an_admin_key_in_the_options_is_refused_with_the_reason(browser, api):
    context, extension_id = browser
    options = context.new_page()
    options.goto(f"chrome-extension://{extension_id}/options/options.html")
    expect(options.locator("#keyHint")).to_contain_text("Never the admin key")
    options.get_by_label("API URL").fill(api.url)
    options.get_by_label("API key").fill(api.service.store.create_key("owner-in-a-browser", "admin"))
    options.get_by_role("button", name="Test connection").click()
    expect(options.locator("#testResult")).to_contain_text("This is an admin key")
    options.close()


def test_popup_shows_the_connection_and_the_last_check(browser, page):
    type_on_x(page, "Our cream never fails.")
    expect(page.locator(BADGE)).to_have_text("Warnings · 1")
    context, extension_id = browser
    popup = context.new_page()
    popup.goto(f"chrome-extension://{extension_id}/popup/popup.html")
    expect(popup.locator("#status")).to_contain_text("Connected")
    expect(popup.locator("#last")).to_contain_text("Last check: Warnings, findings: 1, on x.com")
    screenshot(popup, "popup", clip={"x": 0, "y": 0, "width": 320, "height": 160})
    popup.close()


class FailingChecks:
    """WSGI middleware: every POST /v1/check answers `status` with a JSON error, as a failing or limiting server would."""

    def __init__(self, app, status: int):
        self.app, self.status = app, status

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != "/v1/check" or environ.get("REQUEST_METHOD") != "POST":
            return self.app(environ, start_response)
        body = json.dumps({"error": {"code": f"http_{self.status}", "message": "failing on purpose", "details": []}}).encode()
        start_response(f"{self.status} Failing", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


@contextmanager
def failing_checks(api, status: int):
    working = api.app.wsgi_app
    api.app.wsgi_app = FailingChecks(working, status)
    try:
        yield
    finally:
        api.app.wsgi_app = working


def test_a_503_holds_the_post_and_the_reason_is_recorded_when_the_api_is_back(browser, api, page):
    overrides_before = len(api.requests.of("/v1/overrides"))
    with failing_checks(api, 503):
        type_on_x(page, CLAIM)
        expect(page.locator(BADGE)).to_have_text("preflight offline")
        page.get_by_role("button", name="Post", exact=True).click()
        dialog = page.get_by_role("alertdialog")
        expect(dialog.get_by_role("heading")).to_have_text("preflight could not check this post")
        expect(dialog).to_contain_text("tell your preflight admin")
        screenshot(page, "x-unchecked")
        expect(page.locator("#posted li")).to_have_count(0)
        dialog.get_by_role("button", name="Publish unchecked…").click()
        dialog.get_by_label("Why publish anyway? (recorded)").fill("The launch post had to go out at nine.")
        dialog.get_by_role("button", name="Record reason and publish").click()
        expect(page.locator("#posted li")).to_have_text([CLAIM])
    # the next check that gets through sends the held post, checked now, as an override with the editor's reason
    later = browser[0].new_page()
    type_on_x(later, "Good morning!")
    expect(later.locator(BADGE)).to_have_text("✓ OK")
    for _ in range(100):
        recorded = api.requests.of("/v1/overrides")[overrides_before:]
        if recorded:
            break
        later.wait_for_timeout(100)
    later.close()
    assert [(req["reason"], status) for req, status, _ in recorded] == [
        ("published while preflight could not check it (offline): The launch post had to go out at nine.", 201)]
    assert "misleading-claims/health-claim" in recorded[0][0]["rules"]


@pytest.mark.parametrize("status,badge,hint", [(429, "preflight: too many checks", "Wait a minute"),
                                               (401, "preflight refused", "check key in the extension's options")])
def test_the_badge_tells_rate_limited_from_refused_and_says_what_to_do(page, api, status, badge, hint):
    with failing_checks(api, status):
        type_on_x(page, CLAIM)
        expect(page.locator(BADGE)).to_have_text(badge)
        page.locator(BADGE).click()
        expect(page.locator("preflight-overlay .panel")).to_contain_text(hint)


def test_api_stopped_lets_the_post_through_when_the_deployment_says_so(browser, tmp_path):
    stopped = LiveApi(tmp_path / "preflight.db")
    try:
        configure(browser, stopped.url, stopped.key, when_unchecked="allow")
        stopped.stop()
        context, _ = browser
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        type_on_x(page, CLAIM)
        expect(page.locator(BADGE)).to_have_text("preflight offline")
        screenshot(page, "x-offline")
        page.get_by_role("button", name="Post", exact=True).click()
        expect(page.locator("#posted li")).to_have_text([CLAIM])
        expect(page.get_by_role("alertdialog")).to_have_count(0)
        assert errors == []
        page.close()
    finally:
        stopped.close()


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
