"""Each site adapter's selectors against a snapshot of that site's composer markup, in headless Chromium.

A site redesign shows up here as a failing count, and is fixed in the one file under extension/content/sites/.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from .extension_harness import CHROMIUM, EXTENSION, FIXTURES, WAIT_MS

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"no Chromium at {CHROMIUM} (Debian package 'chromium'); the browser test needs it")
sync_api = pytest.importorskip("playwright.sync_api")

SCRIPTS = ["shared/namespace.js", "content/textmap.js", "content/adapters.js"]

# site: (texts of the composers found, in page order; which [data-fixture=publish] button each one sends;
# attached images each composer sees)
EXPECTED = {
    "x": (["🎉 Our shoes cure back pain\n\n#ad", "2/2 more soon"], [0, 0], [1, 1]),
    "linkedin": (["Our cream never fails.\n\nTry it today!"], [0], [1]),
    "facebook": (["Big news 🎉 our cream is 100% natural\n\nLink in bio"], [0], [1]),
    "instagram": (["Glow up ✨\n#skincare #ad"], [0], [1]),
    "threads": (["First post of the thread", "Second, with a photo"], [0, 0], [1, 1]),
    "generic": (["Our cream never fails.", "Line one\nLine two"], [0, 1], [0, 1]),
}


@pytest.fixture(scope="module")
def page():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], timeout=WAIT_MS)
        yield browser.new_page()
        browser.close()


def test_every_site_file_has_a_fixture():
    sites = sorted(p.stem for p in (EXTENSION / "content" / "sites").glob("*.js"))
    assert sites == sorted(EXPECTED)
    assert sorted(p.stem for p in (FIXTURES / "sites").glob("*.html")) == sorted(EXPECTED)


@pytest.mark.parametrize("site", sorted(EXPECTED))
def test_adapter_finds_composers_text_publish_button_and_images(page, site):
    page.set_content((FIXTURES / "sites" / f"{site}.html").read_text(encoding="utf-8"))
    for script in [*SCRIPTS, f"content/sites/{site}.js"]:
        page.add_script_tag(path=str(EXTENSION / script))
    found = page.evaluate("""site => {
        const adapter = preflight.sites.all.find((a) => a.id === site);
        const composers = adapter.findComposers(document);
        const expected = [...document.querySelectorAll("[data-fixture=publish]")];
        return composers.map((c) => ({
            text: adapter.isPlain(c) ? c.value : preflight.textmap.extract(c).text,
            publish: expected.indexOf(adapter.findPublish(c)),
            images: adapter.findImages(c).length,
            publishFromInside: adapter.publishFrom(adapter.findPublish(c).firstChild || adapter.findPublish(c)) === adapter.findPublish(c),
        }));
    }""", site)
    texts, buttons, images = EXPECTED[site]
    assert [f["text"] for f in found] == texts
    assert [f["publish"] for f in found] == buttons
    assert all(f["publishFromInside"] for f in found), "a click on the button's label counts as a click on the button"
    assert [f["images"] for f in found] == images
