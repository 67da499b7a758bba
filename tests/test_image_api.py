"""Attached images in POST /v1/check: registered references, licences, embedded notices, alt text, OCR, bad files."""
from __future__ import annotations

import base64
import io
import sys
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from PIL import Image, ImageDraw, ImageFont

from .image_samples import encode, needs_tesseract, photo
from .test_images_decode import pixel_bomb
from preflight.images import ocr
from preflight.images.variants import VARIANTS


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def jpeg(image: Image.Image, **options) -> bytes:
    return encode(image, "JPEG", **{"quality": 85, **options})


@contextmanager
def registered(client, keys, name: str, **fields):
    """A reference made from one sample photo for the duration of a test, then deleted."""
    form = {"label": name.split(".")[0].title(), "source": "Test Stock 42", "status": "restricted", **fields}
    response = client.post("/v1/images/references", data={"file": (io.BytesIO(encode(photo(name))), name), **form},
                           headers=auth(keys["admin"]), content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    try:
        yield response.get_json()
    finally:
        client.delete(f"/v1/images/references/{response.get_json()['id']}", headers=auth(keys["admin"]))


def check(client, keys, *images: bytes, text: str = "New drop!", **options):
    body = {"text": text, "language": "en", "images": [{"data": b64(i)} for i in images], **options}
    return client.post("/v1/check", json=body, headers=auth(keys["check"]))


def image_findings(body: dict, pack: str = "image-copyright") -> list[dict]:
    return [f for f in body["findings"] if f["pack"] == pack]


def test_a_recompressed_copy_of_a_restricted_reference_blocks_and_shows_its_thumbnail(client, keys):
    with registered(client, keys, "astronaut.png", label="Astronaut portrait", source="NASA JSC 1234") as ref:
        copy = VARIANTS["crop-10"](photo("astronaut.png"))
        response = check(client, keys, jpeg(copy, quality=30))
    body = response.get_json()
    assert response.status_code == 200 and body["verdict"] == "block"
    [finding] = image_findings(body)
    assert finding["rule"] == "image-copyright/restricted" and finding["severity"] == "block"
    assert finding["image"] == 0 and finding["source"] == "image" and finding["span"] is None
    match = finding["match"]
    assert (match["reference_id"], match["label"], match["source"], match["status"]) == (
        ref["id"], "Astronaut portrait", "NASA JSC 1234", "restricted")
    assert 0 < match["similarity"] <= 1
    assert match["thumbnail"].startswith("data:image/jpeg;base64,")
    thumbnail = Image.open(io.BytesIO(base64.b64decode(match["thumbnail"].split(",", 1)[1])))
    assert thumbnail.format == "JPEG" and max(thumbnail.size) <= 160


def test_an_unrelated_photo_gives_no_image_finding(client, keys):
    with registered(client, keys, "coffee.png"):
        body = check(client, keys, jpeg(photo("motorcycle_left.png"))).get_json()
    assert image_findings(body) == [] and body["verdict"] == "pass"
    assert body["images"][0]["error"] is None and body["images"][0]["format"] == "JPEG"


@pytest.mark.parametrize(("days", "rule", "severity", "verdict"), [
    (-1, "image-copyright/licence-expired", "block", "block"),
    (0, "image-copyright/licence-expiring", "warning", "warn"),
    (29, "image-copyright/licence-expiring", "warning", "warn"),
    (31, "image-copyright/licensed", "info", "pass"),
])
def test_licence_expiry(client, keys, days, rule, severity, verdict):
    expires = date.today() + timedelta(days=days)
    with registered(client, keys, "chelsea.png", status="licensed", license_expires=expires.isoformat()):
        body = check(client, keys, jpeg(VARIANTS["mirror"](photo("chelsea.png")))).get_json()
    [finding] = image_findings(body)
    assert (finding["rule"], finding["severity"], body["verdict"]) == (rule, severity, verdict)
    assert finding["match"]["license_expires"] == expires.isoformat()
    assert expires.isoformat() in finding["message"]


def test_a_licence_without_end_date_is_an_info_finding(client, keys):
    with registered(client, keys, "rocket.jpg", status="licensed"):
        [finding] = image_findings(check(client, keys, jpeg(photo("rocket.jpg"))).get_json())
    assert finding["rule"] == "image-copyright/licensed" and finding["severity"] == "info"


def test_a_status_change_is_in_force_for_the_next_check(client, keys):
    with registered(client, keys, "coffee.png", status="licensed") as ref:
        assert image_findings(check(client, keys, jpeg(photo("coffee.png"))).get_json())[0]["severity"] == "info"
        patched = client.patch(f"/v1/images/references/{ref['id']}", json={"status": "restricted"}, headers=auth(keys["admin"]))
        assert patched.status_code == 200 and patched.get_json()["status"] == "restricted"
        assert image_findings(check(client, keys, jpeg(photo("coffee.png"))).get_json())[0]["severity"] == "block"


def test_a_deleted_reference_no_longer_matches(client, keys):
    with registered(client, keys, "coffee.png"):
        assert image_findings(check(client, keys, jpeg(photo("coffee.png"))).get_json())
    assert image_findings(check(client, keys, jpeg(photo("coffee.png"))).get_json()) == []


def with_exif_copyright(text: str, size: tuple[int, int] | None = None) -> bytes:
    exif = Image.Exif()
    exif[0x8298] = text
    picture = photo("motorcycle_left.png")
    return jpeg(picture.resize(size) if size else picture, exif=exif.tobytes())


def test_an_embedded_notice_of_someone_else_warns(client, keys):
    body = check(client, keys, with_exif_copyright("Copyright Getty Images")).get_json()
    [finding] = image_findings(body)
    assert finding["rule"] == "image-copyright/embedded-notice" and finding["severity"] == "warning"
    assert "“Copyright Getty Images”" in finding["message"] and "EXIF Copyright" in finding["message"]
    assert body["verdict"] == "warn"


def test_a_notice_naming_the_brand_itself_is_fine(client, keys):
    body = check(client, keys, with_exif_copyright("© 2025 Example Footwear"), profile="example").get_json()
    assert image_findings(body) == []
    other = check(client, keys, with_exif_copyright("© 2025 Example Footwear")).get_json()
    assert image_findings(other)[0]["rule"] == "image-copyright/embedded-notice"


def test_alt_text_is_checked_like_the_post(client, keys):
    alt = "A runner. Our shoes cure back pain, guaranteed!"
    body = {"text": "Spring is here.", "language": "en", "images": [
        {"data": b64(jpeg(photo("motorcycle_left.png")))}, {"data": b64(jpeg(photo("ihc.png"))), "alt": alt}]}
    found = client.post("/v1/check", json=body, headers=auth(keys["check"])).get_json()
    from_alt = [f for f in found["findings"] if f.get("source") == "alt"]
    assert from_alt and all(f["image"] == 1 for f in from_alt)
    assert all(alt[f["span"]["start"]:f["span"]["end"]] == f["span"]["text"] for f in from_alt)
    assert not [f for f in found["findings"] if "image" not in f]
    assert found["verdict"] != "pass"


def test_alt_text_comes_with_multipart_files_one_field_per_image(client, keys):
    alt = "Our shoes cure back pain, guaranteed!"
    data = {"text": "Spring is here.", "language": "en", "alt": ["", alt],
            "images": [(io.BytesIO(jpeg(photo("motorcycle_left.png"))), "a.jpg"),
                       (io.BytesIO(jpeg(photo("ihc.png"))), "b.jpg")]}
    found = client.post("/v1/check", data=data, headers=auth(keys["check"]), content_type="multipart/form-data").get_json()
    from_alt = [f for f in found["findings"] if f.get("source") == "alt"]
    assert from_alt and {f["image"] for f in from_alt} == {1}
    assert all(alt[f["span"]["start"]:f["span"]["end"]] == f["span"]["text"] for f in from_alt)


def test_more_alt_fields_than_images_is_a_clear_422(client, keys):
    data = {"text": "Spring is here.", "alt": ["one", "two"],
            "images": [(io.BytesIO(jpeg(photo("motorcycle_left.png"))), "a.jpg")]}
    response = client.post("/v1/check", data=data, headers=auth(keys["check"]), content_type="multipart/form-data")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_request" and "2 alt fields for 1 images" in error["message"]


@pytest.mark.parametrize(("language", "text", "restricted", "notice"), [
    ("nl", "Nieuwe collectie!", "‘Chelsea’ (Test Stock 42), die als beperkt is geregistreerd", "Het bestand vermeldt"),
    ("da", "Ny kollektion!", "»Chelsea« (Test Stock 42), som er registreret som begrænset", "Filen angiver"),
    ("sv", "Ny kollektion!", "”Chelsea” (Test Stock 42), som är registrerad som begränsad", "Filen anger"),
    ("de", "Neue Kollektion!", "„Chelsea“ (Test Stock 42), das als gesperrt registriert ist", "Die Datei nennt"),
    ("en", "New collection!", "“Chelsea” (Test Stock 42), which is registered as restricted", "The file says"),
])
def test_image_findings_speak_the_post_language(client, keys, language, text, restricted, notice):
    exif = Image.Exif()
    exif[0x8298] = "Copyright Getty Images"
    with registered(client, keys, "chelsea.png"):
        body = check(client, keys, jpeg(photo("chelsea.png"), exif=exif.tobytes()), text=text, language=language)
    found = {f["rule"]: f["message"] for f in image_findings(body.get_json())}
    assert restricted in found["image-copyright/restricted"]
    assert found["image-copyright/embedded-notice"].startswith(notice) and "Getty Images" in found[
        "image-copyright/embedded-notice"]


def quote_card(text: str, scale: int = 1, fmt: str = "PNG") -> bytes:
    card = Image.new("RGB", (1080 * scale, 320 * scale), (245, 235, 220))
    ImageDraw.Draw(card).text((60 * scale, 120 * scale), text, fill=(20, 20, 50), font=ImageFont.load_default(size=72 * scale))
    return encode(card, fmt)


@needs_tesseract
@pytest.mark.parametrize(("scale", "fmt"), [(1, "PNG"), (3, "JPEG")])
def test_text_in_an_image_is_read_and_checked_with_a_box(api, client, keys, monkeypatch, scale, fmt):
    monkeypatch.setitem(api.config, "OCR_SECONDS", 60.0)  # a busy test machine must not turn this into a timeout
    body = check(client, keys, quote_card("This shit is real", scale, fmt), text="Monday mood").get_json()
    from_ocr = [f for f in body["findings"] if f.get("source") == "ocr"]
    assert [f["rule"] for f in from_ocr] == ["offensive-language/strong-profanity"]
    [finding] = from_ocr
    assert finding["image"] == 0 and finding["span"]["text"].lower() == "shit"
    # The word sits in the left half of the card's one line of text, which starts at x=60, y=120 (times the scale),
    # and the box is in the pixels of the file as sent, also when a large JPEG was decoded at a reduced scale.
    box = {k: v / scale for k, v in finding["box"].items()}
    assert 40 <= box["x"] <= 540 and 90 <= box["y"] <= 220 and 40 <= box["width"] <= 300 and 20 <= box["height"] <= 120
    assert body["verdict"] == "block" and body["skipped"] == []


@pytest.mark.parametrize("missing", ["tesserocr", "language data"])
def test_without_tesseract_the_check_runs_and_says_ocr_was_skipped(client, keys, monkeypatch, tmp_path, missing):
    if missing == "tesserocr":
        monkeypatch.setitem(sys.modules, "tesserocr", None)  # `import tesserocr` fails as when it is not installed
    else:
        monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
        monkeypatch.setattr(ocr, "_TESSDATA_PLACES", ())
    ocr._tessdata.cache_clear()
    try:
        body = check(client, keys, quote_card("This shit is real"), with_exif_copyright("Copyright Getty Images")).get_json()
    finally:
        ocr._tessdata.cache_clear()
    assert [s["check"] for s in body["skipped"]] == ["ocr"] and "Tesseract" in body["skipped"][0]["reason"]
    assert image_findings(body)[0]["image"] == 1


def test_an_animated_gif_is_matched_on_its_frames(client, keys):
    unrelated = photo("motorcycle_left.png").resize((300, 200))
    frames = [unrelated, photo("astronaut.png").resize((300, 300)).crop((0, 50, 300, 250)), unrelated]
    with registered(client, keys, "astronaut.png"):
        body = check(client, keys, encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=200)).get_json()
    assert body["images"][0]["format"] == "GIF"
    assert [f["rule"] for f in image_findings(body)] == ["image-copyright/restricted"]


def layouts() -> dict[str, bytes]:
    picture = photo("chelsea.png")
    rgba = picture.convert("RGBA")
    rgba.putalpha(200)
    sixteen = Image.fromarray(__import__("numpy").asarray(picture.convert("L"), dtype="uint16") * 257)
    found = {"cmyk": jpeg(picture.convert("CMYK")), "16-bit": encode(sixteen, "PNG"), "alpha": encode(rgba, "PNG")}
    try:
        from pillow_heif import from_pillow
    except ImportError:
        return found
    out = io.BytesIO()
    from_pillow(picture).save(out, quality=80)
    found["heic"] = out.getvalue()
    return found


@pytest.mark.parametrize("layout", sorted(layouts()))
def test_pixel_layouts_from_phones_and_editors_are_checked(client, keys, layout):
    with registered(client, keys, "chelsea.png"):
        body = check(client, keys, layouts()[layout]).get_json()
    assert body["images"][0]["error"] is None
    assert [f["rule"] for f in image_findings(body)] == ["image-copyright/restricted"]


BAD = {
    "not-an-image": (b"this is a text file, not a picture", 422, "not_an_image"),
    "truncated-jpeg": (jpeg(photo("coffee.png"))[:3000], 422, "truncated_image"),
    "truncated-png": (encode(photo("coffee.png"))[:5000], 422, "truncated_image"),
    "pixel-bomb": (pixel_bomb(), 413, "too_many_pixels"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_bad_single_image_answers_4xx_with_its_code(client, keys, kind):
    data, status, code = BAD[kind]
    response = check(client, keys, data)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"].startswith("image 0: ")
    assert error["details"] == [{"field": "images.0"}]


def test_a_bad_image_among_others_gets_an_entry_and_the_rest_is_checked(client, keys):
    good = jpeg(photo("coffee.png"))
    with registered(client, keys, "coffee.png"):
        response = check(client, keys, BAD["pixel-bomb"][0], good, b"junk", text="Our cream never fails.")
    body = response.get_json()
    assert response.status_code == 200
    assert [(e["index"], e["error"] and e["error"]["code"]) for e in body["images"]] == [
        (0, "too_many_pixels"), (1, None), (2, "not_an_image")]
    assert [f["image"] for f in image_findings(body)] == [1]
    assert [f for f in body["findings"] if "image" not in f], "the post's own findings are kept"


def test_an_oversize_image_answers_413_with_the_limit(api, client, keys):
    limit = api.config["MAX_IMAGE_BYTES"]
    response = check(client, keys, jpeg(photo("coffee.png")) + b"\0" * limit)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "image_too_large" and f"{limit:,}" in response.get_json()["error"]["message"]


def test_more_images_than_the_limit_answer_413(api, client, keys):
    count = api.config["MAX_IMAGES"] + 1
    response = check(client, keys, *[jpeg(photo("coffee.png"))] * count)
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_many_images"


def test_batch_items_with_images_are_checked_each_on_its_own(client, keys):
    items = [{"text": "hi", "images": [{"data": b64(b"junk")}]},
             {"text": "hi", "images": [{"data": b64(with_exif_copyright("Copyright Getty Images"))}]}]
    body = client.post("/v1/check/batch", json={"items": items}, headers=auth(keys["check"])).get_json()
    assert body["items"][0]["error"]["code"] == "not_an_image"
    assert image_findings(body["items"][1]["result"])[0]["rule"] == "image-copyright/embedded-notice"


def test_an_image_too_thin_to_compare_is_still_checked_and_says_why_it_was_not_compared(client, keys):
    response = check(client, keys, encode(Image.new("RGB", (1, 400), (9, 9, 9))), text="New drop!")
    body = response.get_json()
    assert response.status_code == 200 and body["verdict"] == "pass"
    [entry] = body["images"]
    assert entry["error"] is None and (entry["width"], entry["height"]) == (1, 400)
    assert entry["note"]["code"] == "image_too_small" and "16 pixels" in entry["note"]["message"]


def test_a_tiny_image_gets_its_notice_and_alt_text_checked_and_the_post_too(client, keys):
    tiny = with_exif_copyright("Copyright Getty Images", size=(8, 8))
    image = {"data": b64(tiny), "alt": "Guaranteed results, every time!"}
    body = client.post("/v1/check", json={"text": "Guaranteed results, every time!", "language": "en", "images": [image]},
                       headers=auth(keys["check"])).get_json()
    assert body["images"][0]["note"]["code"] == "image_too_small"
    assert any(f["rule"] == "image-copyright/embedded-notice" for f in image_findings(body))
    assert any(f.get("source") == "alt" for f in body["findings"])
    assert any(f.get("image") is None for f in body["findings"])  # the post's own text was checked


def test_a_phone_photo_stored_sideways_matches_its_upright_reference(client, keys):
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display": the pixels are stored turned the other way
    sideways = jpeg(photo("chelsea.png").transpose(Image.Transpose.ROTATE_90), exif=exif.tobytes())
    with registered(client, keys, "chelsea.png"):
        body = check(client, keys, sideways).get_json()
    assert (body["images"][0]["width"], body["images"][0]["height"]) == (451, 300)
    assert [f["rule"] for f in image_findings(body)] == ["image-copyright/restricted"]
