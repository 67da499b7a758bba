"""Reply and comment boxes on the five sites: recognised, checked as replies with the message they answer, gated.

Each site's reply markup is a fixture under tests/extension_fixtures/replies/; a redesign is fixed in the site's
one file under extension/content/sites/.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from .extension_harness import CHROMIUM, CHROMIUM_ARGS, EXTENSION, FIXTURES, WAIT_MS, LiveApi
from .test_extension_e2e import configure

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"no Chromium at {CHROMIUM} (Debian package 'chromium'); the browser test needs it")
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
expect.set_options(timeout=WAIT_MS)

REPLIES = FIXTURES / "replies"
COMPLAINT = "My order never arrived and I'm still waiting for a refund."
CAPTION = "My order never arrived and I'm still waiting for a refund, so I'm posting it here."
STORE = "Our new store opens on Saturday!"
DEFENSIVE = "Calm down, as we already said the parcel is on its way."
SCRIPTS = ["shared/namespace.js", "content/textmap.js", "content/adapters.js"]
# site: (the page's URL, each composer's (context, message answered) in page order, what #reply answers)
SITES = {
    "x": ("https://x.com/customer/status/1", [("reply", COMPLAINT), ("post", None)], COMPLAINT),
    "linkedin": ("https://www.linkedin.com/feed/", [("reply", STORE), ("reply", COMPLAINT)], COMPLAINT),
    "facebook": ("https://www.facebook.com/examplefootwear", [("reply", COMPLAINT), ("reply", STORE)], COMPLAINT),
    "instagram": ("https://www.instagram.com/p/abc/", [("reply", CAPTION)], CAPTION),
    "threads": ("https://www.threads.net/@customer/post/abc", [("reply", COMPLAINT)], COMPLAINT),
}


def test_every_site_has_a_reply_fixture():
    sites = sorted(p.stem for p in (EXTENSION / "content" / "sites").glob("*.js") if p.stem != "generic")
    assert sites == sorted(SITES) == sorted(p.stem for p in REPLIES.glob("*.html"))


@pytest.fixture(scope="module")
def playwright():
    """One Playwright for the module: the static pages and the browser with the extension both use it."""
    with sync_api.sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def static_page(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], timeout=WAIT_MS)
    yield browser.new_page()
    browser.close()


@pytest.mark.parametrize("site", sorted(SITES))
def test_adapter_tells_reply_boxes_and_the_message_they_answer(static_page, site):
    page = static_page
    page.set_content((REPLIES / f"{site}.html").read_text(encoding="utf-8"))
    for script in [*SCRIPTS, f"content/sites/{site}.js"]:
        page.add_script_tag(path=str(EXTENSION / script))
    found = page.evaluate("""site => {
        const adapter = preflight.sites.all.find((a) => a.id === site);
        return adapter.findComposers(document).map((c) => {
            const answer = adapter.replyTo(c);
            return [answer.context, answer.inReplyTo, adapter.findPublish(c) !== null];
        });
    }""", site)
    assert [(context, text) for context, text, _ in found] == SITES[site][1]
    assert all(has_button for _, _, has_button in found), "every reply box has its reply button"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    live = LiveApi(tmp_path_factory.mktemp("extension-replies") / "preflight.db")
    yield live
    live.close()


@pytest.fixture(scope="module")
def browser(playwright, tmp_path_factory, api):
    """Chromium with the extension, each site's reply page served at the site's own address."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("profile")), executable_path=CHROMIUM, headless=False, args=CHROMIUM_ARGS,
        viewport={"width": 1000, "height": 760}, timeout=WAIT_MS)
    context.set_default_timeout(WAIT_MS)
    worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")

    def handle(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "chrome-extension://", "data:", "blob:")):
            return route.continue_()
        if url.endswith("/static/replies/_post.js"):
            return route.fulfill(path=str(REPLIES / "_post.js"), content_type="text/javascript")
        for site, (address, _, _) in SITES.items():
            if url.split("?")[0] == address:
                return route.fulfill(path=str(REPLIES / f"{site}.html"), content_type="text/html; charset=utf-8")
        return route.abort()

    context.route("**/*", handle)
    browser = (context, worker.url.split("/")[2])
    configure(browser, api.url, api.key)
    yield browser
    context.close()


@pytest.mark.parametrize("site", sorted(SITES))
def test_a_defensive_reply_is_checked_as_a_reply_underlined_and_gated(browser, api, site):
    context, _ = browser
    address, _, answered = SITES[site]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(address)
    editor = page.locator("#reply")
    editor.click()
    editor.press_sequentially(DEFENSIVE)
    # Under a complaint, "calm down" is not only defensive: the reply rules escalate it to a block.
    expect(page.locator("preflight-overlay .badge", has_text="Blocked")).to_have_count(1)
    expect(page.locator('preflight-overlay .underline[data-rule="brand-tone/defensive-reply"]').first).to_be_visible()
    expect(page.locator('preflight-overlay .underline[data-rule="brand-tone/careless-reply-to-distress"]').first).to_be_visible()
    sent = [request for request, status, _ in api.requests.of("/v1/check") if request.get("text") == DEFENSIVE]
    assert sent and sent[-1]["context"] == "reply" and sent[-1]["in_reply_to"] == answered
    assert sent[-1]["platform"] == site

    page.locator("[data-fixture=reply]").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog.get_by_role("heading")).to_have_text("This post would be blocked")
    expect(dialog).to_contain_text("brand-tone/careless-reply-to-distress")
    dialog.get_by_role("button", name="Go back and fix").click()
    expect(dialog).to_have_count(0)
    expect(page.locator("#posted li")).to_have_count(0)
    page.close()
    assert errors == [], "nothing is thrown into the page"
