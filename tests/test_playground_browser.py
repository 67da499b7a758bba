"""The playground in headless Chromium against a live server: keys, highlights, suggestions, errors."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import ROOT, RULES
from .image_samples import tesseract_installed
from .live_server import serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "tests" / "artifacts"
WAIT_MS = 15_000

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"no Chromium at {CHROMIUM} (Debian package 'chromium'); the browser test needs it")
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="module")
def server(tmp_path_factory, checker):
    """The real app on 127.0.0.1 and a free port, served from a thread; yields (base URL, a check key)."""
    from preflight.http.app import create_app

    db = tmp_path_factory.mktemp("playground") / "preflight.db"
    app = create_app({"DATABASE_URL": f"sqlite:///{db}", "RULES_DIR": str(RULES)}, checker=checker)
    service = app.extensions["preflight"]
    key = service.store.create_key("playground", "check")
    with serving(app) as url:
        yield url, key, service


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=WAIT_MS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, server):
    """A fresh browser context (so an empty localStorage) on the playground; fails on uncaught script errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server[0] + "/")
    yield page
    context.close()
    assert errors == []


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def save_key(page, key: str) -> None:
    page.get_by_label("API key", exact=True).fill(key)
    page.get_by_role("button", name="Save key").click()
    expect(page.locator("#key-form")).to_be_hidden()


def check(page, text: str, language: str) -> None:
    page.get_by_label("Post", exact=True).fill(text)
    page.get_by_label("Language", exact=True).select_option(language)
    page.get_by_role("button", name="Check", exact=True).click()


def highlighted_text(page, rule: str) -> str:
    """The text of every highlight belonging to the finding for `rule`, in order."""
    finding_id = page.locator(f'li.finding[data-rule="{rule}"]').get_attribute("id")
    return "".join(page.locator(f'mark[data-findings~="{finding_id}"]').all_text_contents())


def test_dutch_health_claim_is_blocked_and_highlighted_after_an_emoji(page, server):
    expect(page.locator("#key-form")).to_be_visible()
    expect(page.locator("#key-saved")).to_be_hidden()
    save_key(page, server[1])
    expect(page.locator("#key-saved")).to_be_visible()
    expect(page.locator("#profile option[value=example]")).to_have_text("Example Footwear (example)")
    page.locator("details.packs summary").click()
    expect(page.locator("#pack-list")).to_contain_text("misleading-claims")
    screenshot(page, "01-empty")

    check(page, "🎉 Onze schoenen genezen gegarandeerd rugpijn!", "nl")

    expect(page.locator("#verdict")).to_have_text("Block")
    expect(page.locator("#summary")).to_contain_text("Verdict: Block")
    finding = page.locator('li.finding[data-rule="misleading-claims/health-claim"]')
    expect(finding.locator(".message")).to_contain_text("“genezen” claimt een medisch effect")
    expect(finding.locator(".rule")).to_have_text("misleading-claims/health-claim")
    assert highlighted_text(page, "misleading-claims/health-claim") == "genezen"
    assert highlighted_text(page, "misleading-claims/absolute-guarantee") == "gegarandeerd"
    assert page.locator("#post-view").text_content() == "🎉 Onze schoenen genezen gegarandeerd rugpijn!"
    screenshot(page, "02-block")


def test_suggestion_replaces_the_span_and_checks_again(page, server):
    save_key(page, server[1])
    check(page, "Cheap shoes for everyone", "en")
    finding = page.locator('li.finding[data-rule="brand-tone/preferred-term"]')
    expect(finding).to_be_visible()
    assert highlighted_text(page, "brand-tone/preferred-term") == "Cheap"
    screenshot(page, "03-suggestion")

    finding.locator(".suggestions button", has_text="Affordable").click()

    expect(page.get_by_label("Post", exact=True)).to_have_value("Affordable shoes for everyone")
    expect(page.locator("#post-view")).to_have_text("Affordable shoes for everyone")
    expect(page.locator('li.finding[data-rule="brand-tone/preferred-term"]')).to_have_count(0)
    expect(page.locator("#verdict")).to_have_text("Pass")
    screenshot(page, "04-after-suggestion")


def test_a_claim_shows_guidance_and_nothing_that_rewrites_the_post(page, server):
    save_key(page, server[1])
    check(page, "Our new cream cures eczema", "en")
    finding = page.locator('li.finding[data-rule="misleading-claims/health-claim"]')
    expect(finding.locator(".guidance li").first).to_contain_text("Remove the claim")
    expect(finding.locator("button")).to_have_count(0)
    expect(page.get_by_label("Post", exact=True)).to_have_value("Our new cream cures eczema")


def test_editing_after_a_check_marks_the_result_stale(page, server):
    save_key(page, server[1])
    check(page, "Cheap shoes for everyone", "en")
    expect(page.locator("#verdict")).to_have_text("Pass")
    page.get_by_label("Post", exact=True).press("End")
    page.get_by_label("Post", exact=True).press_sequentially("!")
    expect(page.locator(".stale-notice")).to_be_visible()
    expect(page.locator(".suggestions button")).to_be_disabled()


def test_wrong_key_is_reported_and_the_key_field_comes_back(page):
    page.get_by_label("API key", exact=True).fill("pf_not_a_real_key")
    check(page, "Hello there", "en")

    expect(page.locator("#error")).to_contain_text("The key was refused (401)")
    expect(page.locator("#key-form")).to_be_visible()
    expect(page.locator("#key-saved")).to_be_hidden()
    expect(page.get_by_label("API key", exact=True)).to_have_value("")
    expect(page.locator("#results .placeholder")).to_be_visible()
    screenshot(page, "05-wrong-key")


def test_key_is_remembered_until_forgotten(page, server):
    save_key(page, server[1])
    page.reload()
    expect(page.locator("#key-saved")).to_be_visible()
    expect(page.locator("#key-form")).to_be_hidden()
    page.get_by_role("button", name="Forget key").click()
    expect(page.locator("#key-form")).to_be_visible()
    page.reload()
    expect(page.locator("#key-form")).to_be_visible()


def test_offset_helpers_count_code_points_and_split_overlaps(page):
    result = page.evaluate("""async () => {
        const m = await import("/static/playground.js");
        return {
            after_emoji: m.codePointToUtf16("🎉 genezen", 2),
            past_end: m.codePointToUtf16("ab", 5),
            pieces: m.highlightSegments(10, [{start: 2, end: 6}, {start: 4, end: 8}]),
        };
    }""")
    assert result["after_emoji"] == 3
    assert result["past_end"] == 2
    assert [(p["start"], p["end"], p["covering"]) for p in result["pieces"]] == [
        (0, 2, []), (2, 4, [0]), (4, 6, [0, 1]), (6, 8, [1]), (8, 10, [])]


def test_attached_images_show_their_findings_and_the_matched_reference(page, server, tmp_path):
    from PIL import Image, ImageDraw, ImageFont

    from .image_samples import encode, photo
    from preflight.images.registry import prepare_reference
    from preflight.storage.images import NewReference

    service = server[2]
    prepared = prepare_reference(encode(photo("astronaut.png")), max_bytes=10 * 2**20, max_pixels=40_000_000)
    service.references.add(NewReference(label="Astronaut portrait", source="NASA JSC", status="restricted",
                                        sha256=prepared.sha256, fingerprint=prepared.fingerprint,
                                        thumbnail=prepared.thumbnail, created_by="test"))
    service.reference_index.refresh()
    copy, card, junk = tmp_path / "copy.jpg", tmp_path / "card.png", tmp_path / "notes.jpg"
    copy.write_bytes(encode(photo("astronaut.png").crop((30, 20, 480, 500)), "JPEG", quality=40))
    quote = Image.new("RGB", (1080, 320), (245, 235, 220))
    ImageDraw.Draw(quote).text((60, 120), "This shit is real", fill=(20, 20, 50), font=ImageFont.load_default(size=72))
    card.write_bytes(encode(quote))
    junk.write_bytes(b"not a picture")

    save_key(page, server[1])
    page.get_by_label("Images", exact=True).set_input_files([str(copy), str(card), str(junk)])
    expect(page.locator("#attached li")).to_have_count(3)
    page.get_by_label("Alt text of card.png").fill("Guaranteed to cure back pain")
    check(page, "Monday motivation", "en")

    expect(page.locator("#verdict")).to_have_text("Block")
    first = page.locator('.image-result[data-image="0"]')
    expect(first.locator(".match figcaption")).to_contain_text("Astronaut portrait")
    expect(first.locator('li.finding[data-rule="image-copyright/restricted"]')).to_be_visible()
    assert first.locator("img.match-thumb").get_attribute("src").startswith("data:image/jpeg;base64,")
    assert first.locator(".image-frame img").evaluate("img => img.naturalWidth") > 0
    second = page.locator('.image-result[data-image="1"]')
    expect(second.locator(".where", has_text="In the alt text")).to_have_count(2)
    if tesseract_installed():
        expect(second.locator("mark.ocr-box")).to_have_count(1)
        expect(second.locator(".where", has_text="In the text read from the image")).to_contain_text("shit")
    expect(page.locator('.image-result[data-image="2"] .image-error')).to_contain_text("not_an_image")
    screenshot(page, "06-images")


# ---- layout at a desktop and a phone width

LAYOUT = ARTIFACTS / "layout"
WIDTHS = (1280, 390)
# a long post with many findings of every severity, a long link and a long hashtag, as editors paste them
LONG_POST = ("🎉 HUGE SALE THIS WEEKEND ONLY!!! Our new cream cures eczema and works every time, guaranteed!!! "
             "Clinically proven, the best in the world, 100% natural and eco-friendly. Cheap shoes for everyone, "
             "call +31 20 794 3612 or mail jan.jansen@example.com today!!! Only 3 left, don't miss it. "
             "https://shop.example.com/collections/summer-2026/products/the-extraordinarily-long-product-name-for-testing "
             "#SummerSaleSuperDealsForEveryoneWhoLovesRunningShoesAndTrailsAndMountains #ad #sale #shoes #run #deal")


@contextmanager
def sized_page(browser, url: str, width: int, locale: str = "en-US"):
    """A fresh context of `width` px in `locale`; fails on uncaught script errors."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    try:
        yield page
    finally:
        context.close()
    assert errors == []


def overflow(page) -> dict:
    """The page's width against the window's, and the widest elements sticking out, for the failure message."""
    return page.evaluate("""() => {
        const root = document.documentElement, limit = root.clientWidth;
        const out = [...document.querySelectorAll("body *")].filter(n => n.getBoundingClientRect().right > limit + 0.5)
            .slice(0, 5).map(n => `${n.tagName.toLowerCase()}.${n.className}: ${Math.round(n.getBoundingClientRect().right)}`);
        return {scroll: root.scrollWidth, client: limit, out};
    }""")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_long_post_with_many_findings_fits_the_window(browser, server, width):
    with sized_page(browser, server[0] + "/", width) as page:
        save_key(page, server[1])
        check(page, LONG_POST, "en")
        expect(page.locator("#verdict")).to_have_text("Block")
        assert page.locator("li.finding").count() >= 8
        measured = overflow(page)
        assert measured["scroll"] <= measured["client"], measured
        LAYOUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(LAYOUT / f"playground-{width}.png"), full_page=True)


# ---- five languages

STATIC = ROOT / "api" / "preflight" / "http" / "static"
UI_LANGUAGES = ("en", "nl", "da", "sv", "de")
# keys the pages build from a value: the prefix and every value it is built with
FAMILIES = {"sev_": ("info", "warning", "block"), "verdict_": ("pass", "warn", "block"), "headline_": ("pass", "warn", "block"),
            "where_": ("text", "alt", "ocr"), "lang_": UI_LANGUAGES, "err": ("401", "403", "413", "422", "429")}


def catalogs(page) -> dict:
    return page.evaluate("""async () => {
        const m = await import("/static/strings.js");
        return {COMMON: m.COMMON, PLAYGROUND: m.PLAYGROUND, REPORTS: m.REPORTS};
    }""")


def used_keys(script: str) -> set[str]:
    """The keys a page script asks for: t("key") literals, plus every member of the families it builds keys from."""
    import re

    source = (STATIC / script).read_text(encoding="utf-8")
    keys = set(re.findall(r"""\bt\(\s*["']([A-Za-z0-9_]+)["']""", source))
    for prefix, values in FAMILIES.items():
        if re.search(r"\bt\(`" + re.escape(prefix) + r"\$\{", source):
            keys |= {prefix + value for value in values}
    return keys


def test_every_string_exists_in_all_five_languages_with_the_same_placeholders(page):
    import re

    for name, catalog in catalogs(page).items():
        assert sorted(catalog) == sorted(UI_LANGUAGES), name
        english = catalog["en"]
        for language in UI_LANGUAGES:
            assert set(catalog[language]) == set(english), (name, language, set(english) ^ set(catalog[language]))
            for key, text in catalog[language].items():
                assert text.strip(), (name, language, key)
                assert set(re.findall(r"\{(\w+)\}", text)) == set(re.findall(r"\{(\w+)\}", english[key])), (name, language, key)


@pytest.mark.parametrize("path,script,catalog", [("/", "playground.js", "PLAYGROUND"), ("/reports", "reports.js", "REPORTS")])
def test_every_key_a_page_uses_is_in_its_strings(browser, server, path, script, catalog):
    with sized_page(browser, server[0] + path, 1280) as page:
        known = set(catalogs(page)["COMMON"]["en"]) | set(catalogs(page)[catalog]["en"])
        marked = set(page.evaluate("""() => [...document.querySelectorAll("[data-i18n]")].map(n => n.dataset.i18n)
            .concat([...document.querySelectorAll("[data-i18n-attr]")].flatMap(n => n.dataset.i18nAttr.split(";").map(p => p.split(":")[1])))"""))
        assert marked and marked <= known, marked - known
        assert used_keys(script) <= known, used_keys(script) - known


def test_the_playground_speaks_the_browsers_language_and_can_be_switched(browser, server):
    with sized_page(browser, server[0] + "/", 1280, locale="nl-NL") as page:
        expect(page.get_by_role("heading", name="Een bericht controleren")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "nl")
        page.get_by_label("API-sleutel", exact=True).fill(server[1])
        page.get_by_role("button", name="Sleutel bewaren").click()
        page.get_by_label("Bericht", exact=True).fill("Onze schoenen genezen rugpijn, gegarandeerd.")
        page.get_by_role("button", name="Controleren", exact=True).click()
        expect(page.locator("#verdict")).to_have_text("Geblokkeerd")
        finding = page.locator('li.finding[data-rule="misleading-claims/health-claim"]')
        expect(finding.locator(".title")).to_have_text("Gezondheidsclaim")
        expect(finding.locator(".chip")).to_have_text("Blokkeert")

        page.get_by_label("Taal van de pagina").select_option("de")
        expect(page.get_by_role("heading", name="Einen Beitrag prüfen")).to_be_visible()
        expect(page.locator("#verdict")).to_have_text("Blockiert")
        expect(page.locator("#summary")).to_contain_text("Urteil: Blockiert.")
        expect(page.get_by_role("button", name="Prüfen", exact=True)).to_be_visible()
        LAYOUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(LAYOUT / "playground-de-1280.png"), full_page=True)
        page.reload()
        expect(page.get_by_role("heading", name="Einen Beitrag prüfen")).to_be_visible()
        expect(page.get_by_label("Sprache der Seite")).to_have_value("de")
