"""Content Credentials and AI marks on attached images: the signer, tampering, ingredients, and the disclosure rule.

The C2PA fixtures are signed here, by each run, with a throwaway certificate chain made on the spot.
"""
from __future__ import annotations

import dataclasses
import datetime
import io
import types

import pytest
from PIL import Image, PngImagePlugin

from .image_samples import encode, photo
from .test_image_api import auth, b64, check, image_findings, jpeg, registered
from preflight.images.check import ImageLimits, ImageSource
from preflight.images import provenance
from preflight.images.decode import decode_image
from preflight.images.disclosure import discloses_ai, disclosure_terms
from preflight.images.index import ReferenceIndex
from preflight.images.provenance import read_credentials
from preflight.pipeline import Attachment, Submission, check_post

c2pa = pytest.importorskip("c2pa", reason="c2pa-python reads and writes Content Credentials")
x509 = pytest.importorskip("cryptography.x509", reason="cryptography makes the throwaway signing certificates")
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # noqa: E402

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
LIMITS = ImageLimits(max_bytes=20 << 20, max_pixels=50_000_000, ocr_seconds=5.0)


def _name(common: str, org: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)])


def _usage(**allowed) -> x509.KeyUsage:
    flags = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
             "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{flag: allowed.get(flag, False) for flag in flags})


@pytest.fixture(scope="module")
def signer():
    """An ES256 signer issued by a root made for this test run (C2PA refuses a self-signed leaf certificate)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    root_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())

    def certificate(subject, issuer, public, signing_key, ca: bool):
        built = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public)
                 .serial_number(x509.random_serial_number())
                 .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=7))
                 .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if ca:
            built = (built.add_extension(_usage(key_cert_sign=True, crl_sign=True), critical=True)
                     .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False))
        else:
            built = (built.add_extension(_usage(digital_signature=True), critical=True)
                     .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
                     .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
                                    critical=False))
        return built.sign(signing_key, hashes.SHA256())

    root_name = _name("Throwaway Test Root", "Test Authority")
    root = certificate(root_name, root_name, root_key.public_key(), root_key, ca=True)
    leaf = certificate(_name("Brand DAM", "Brand Studio"), root_name, key.public_key(), root_key, ca=False)
    chain = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (leaf, root))
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    with c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, private, None)) as made:
        yield made


def signed(signer, image: bytes, source_type: str = "trainedAlgorithmicMedia",
           ingredients: tuple[tuple[str, bytes], ...] = ()) -> bytes:
    """`image` (a JPEG) with Content Credentials: one creation action of `source_type`, and the given ingredients."""
    action = {"action": "c2pa.created", "digitalSourceType": IPTC + source_type}
    manifest = {"claim_generator_info": [{"name": "Studio Generator", "version": "2.1"}], "title": "post.jpg",
                "assertions": [{"label": "c2pa.actions", "data": {"actions": [action]}}]}
    with c2pa.Builder(manifest) as builder:
        for title, data in ingredients:
            builder.add_ingredient({"title": title, "relationship": "componentOf"}, "image/jpeg", io.BytesIO(data))
        out = io.BytesIO()
        builder.sign(signer, "image/jpeg", io.BytesIO(image), out)
    return out.getvalue()


def plain(size=(320, 240), color=(90, 140, 200)) -> bytes:
    return encode(Image.new("RGB", size, color), "JPEG", quality=90)


def with_xmp_source_type(image: Image.Image, source_type: str, fmt: str = "JPEG") -> bytes:
    """An image whose XMP says Iptc4xmpExt:DigitalSourceType, as photo editors and generators write it."""
    xmp = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           f'<rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">'
           f'<Iptc4xmpExt:DigitalSourceType rdf:resource="{IPTC}{source_type}"/>'
           f'</rdf:Description></rdf:RDF></x:xmpmeta>')
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", xmp)
        return encode(image, fmt, pnginfo=info)
    return encode(image, fmt, xmp=xmp.encode())


def rules_of(body: dict) -> list[tuple[str, str]]:
    return [(f["rule"], f["severity"]) for f in image_findings(body)]


def test_the_signer_generator_and_ingredients_are_in_the_image_entry(client, keys, signer):
    data = signed(signer, plain(), ingredients=(("Beach stock 123", plain(color=(200, 180, 90))),))
    body = check(client, keys, data, text="Summer is here").get_json()
    assert body["images"][0]["provenance"] == {
        "signer": "Brand Studio", "signer_name": "Brand DAM", "claim_generator": "Studio Generator 2.1",
        "validation": "valid", "tampered": False, "failures": [], "digital_source_type": "trainedAlgorithmicMedia",
        "ingredients": [{"title": "Beach stock 123", "reference_id": None}]}


def test_a_generated_image_without_a_disclosure_warns(client, keys, signer):
    body = check(client, keys, signed(signer, plain()), text="Summer is here").get_json()
    assert rules_of(body) == [("image-copyright/ai-generated", "warning")] and body["verdict"] == "warn"
    assert "C2PA" in image_findings(body)[0]["message"]


@pytest.mark.parametrize(("language", "text"), [
    ("en", "Summer is here #AIart"), ("en", "Our summer campaign (made with AI)"), ("nl", "Zomer! Gemaakt met AI."),
    ("da", "Sommer – billedet er AI-genereret"), ("sv", "Sommar, skapad med AI"), ("de", "Sommer! Mit KI erstellt."),
    ("en", "Summer is here. Made with AI"),
])
def test_a_disclosed_generated_image_is_only_info(client, keys, signer, language, text):
    body = check(client, keys, signed(signer, plain()), text=text, language=language).get_json()
    assert rules_of(body) == [("image-copyright/ai-generated-disclosed", "info")] and body["verdict"] == "pass"


def test_a_disclosure_in_the_alt_text_counts(client, keys, signer):
    image = {"data": b64(signed(signer, plain())), "alt": "A beach at dusk, AI-generated"}
    body = client.post("/v1/check", json={"text": "Summer", "images": [image]}, headers=auth(keys["check"])).get_json()
    assert rules_of(body) == [("image-copyright/ai-generated-disclosed", "info")]


def test_a_camera_photo_with_credentials_is_not_flagged_as_ai(client, keys, signer):
    body = check(client, keys, signed(signer, plain(), source_type="digitalCapture"), text="Summer").get_json()
    assert rules_of(body) == [] and body["images"][0]["provenance"]["digital_source_type"] == "digitalCapture"


def test_changed_pixels_after_signing_show_as_tampered(client, keys, signer):
    data = bytearray(signed(signer, plain()))
    data[-200] ^= 0xFF  # inside the entropy-coded pixels, which the manifest's hash covers
    entry = check(client, keys, bytes(data), text="Summer").get_json()["images"][0]
    assert entry["error"] is None
    assert entry["provenance"]["tampered"] is True and entry["provenance"]["validation"] == "invalid"
    assert "assertion.dataHash.mismatch" in entry["provenance"]["failures"]


def test_a_composite_made_from_a_registered_photo_matches_through_its_ingredient(client, keys, signer):
    stock = jpeg(photo("coffee.png"))
    data = signed(signer, plain(), source_type="compositeWithTrainedAlgorithmicMedia",
                  ingredients=(("Coffee cup, agency shot", stock),))
    with registered(client, keys, "coffee.png", label="Coffee cup") as ref:
        body = check(client, keys, data, text="Morning!").get_json()
    restricted = [f for f in image_findings(body) if f["rule"] == "image-copyright/restricted"]
    assert [f["match"]["reference_id"] for f in restricted] == [ref["id"]]
    assert restricted[0]["match"]["ingredient"] == "Coffee cup, agency shot" and body["verdict"] == "block"
    assert body["images"][0]["provenance"]["ingredients"] == [{"title": "Coffee cup, agency shot",
                                                               "reference_id": ref["id"]}]
    assert ("image-copyright/ai-generated", "warning") in rules_of(body)
    assert "partly" in next(f["message"] for f in image_findings(body) if f["rule"] == "image-copyright/ai-generated")


def test_an_unrelated_ingredient_matches_nothing(client, keys, signer):
    night = jpeg(photo("hubble_deep_field.jpg"))
    data = signed(signer, plain(), source_type="digitalCapture", ingredients=(("Night sky", night),))
    with registered(client, keys, "coffee.png"):
        body = check(client, keys, data, text="Morning!").get_json()
    assert rules_of(body) == []


@pytest.mark.parametrize(("source_type", "fmt"), [("trainedAlgorithmicMedia", "JPEG"),
                                                   ("compositeWithTrainedAlgorithmicMedia", "PNG"),
                                                   ("algorithmicMedia", "WEBP")])
def test_an_xmp_digital_source_type_marks_the_image_as_ai(client, keys, source_type, fmt):
    data = with_xmp_source_type(Image.new("RGB", (200, 100), (30, 60, 90)), source_type, fmt)
    body = check(client, keys, data, text="Summer").get_json()
    assert rules_of(body) == [("image-copyright/ai-generated", "warning")]
    assert "XMP DigitalSourceType" in image_findings(body)[0]["message"]
    assert body["images"][0]["provenance"] is None


def test_an_xmp_camera_source_type_is_no_finding(client, keys):
    data = with_xmp_source_type(Image.new("RGB", (200, 100)), "digitalCapture")
    assert rules_of(check(client, keys, data, text="Summer").get_json()) == []


def test_a_profile_can_raise_the_undisclosed_case_to_block(checker, signer, monkeypatch):
    brand = checker.ruleset.profiles["example"]
    raised = brand.model_copy(update={"severity_overrides": {**brand.severity_overrides,
                                                             "image-copyright/ai-generated": "block"}})
    monkeypatch.setitem(checker.ruleset.profiles, "example", raised)
    data = signed(signer, plain())

    def severities(text: str) -> list[tuple[str, str]]:
        source = ImageSource(types.SimpleNamespace(index=ReferenceIndex()), dict, LIMITS)
        checks = check_post(Submission(text, "en", profile="example", images=(Attachment(data),)), checker, [source])
        return [(f.rule, f.severity) for f in checks.findings]

    assert severities("Summer") == [("image-copyright/ai-generated", "block")]
    assert severities("Summer #AIart") == [("image-copyright/ai-generated-disclosed", "info")]


def test_without_c2pa_the_check_runs_and_says_provenance_was_skipped(client, keys, signer, monkeypatch):
    data = signed(signer, plain())

    def missing():
        raise provenance.ProvenanceUnavailable("c2pa-python is not installed")

    monkeypatch.setattr(provenance, "_c2pa", missing)
    body = check(client, keys, data, data, text="Summer").get_json()
    assert [s for s in body["skipped"] if s["check"] == "provenance"] == [
        {"check": "provenance", "reason": "c2pa-python is not installed"}]
    assert body["images"][0]["provenance"] is None and rules_of(body) == []


def test_a_file_without_credentials_reads_as_none():
    assert read_credentials(decode_image(plain(), max_bytes=1 << 20, max_pixels=1 << 24)) is None


def test_credentials_are_read_from_the_bytes_as_sent(signer):
    decoded = decode_image(signed(signer, plain()), max_bytes=1 << 20, max_pixels=1 << 24)
    read = read_credentials(decoded)
    assert read is not None and read.ai_source_type == "trainedAlgorithmicMedia"
    assert dataclasses.replace(read, source_types=("digitalCapture",)).ai_source_type is None


def test_the_disclosure_list_has_terms_for_every_language_and_the_platforms():
    terms = disclosure_terms()
    assert set(terms) == {"en", "nl", "da", "sv", "de", "platforms"} and all(terms.values())
    assert discloses_ai("Zomer 🌞 #aiART") and discloses_ai(None, "Bild: KI generiert")
    assert not discloses_ai("We never use AI for our photos", "Summer at the beach")


def test_a_damaged_manifest_reads_as_tampered_and_the_image_is_still_checked(client, keys, signer):
    data = bytearray(signed(signer, plain()))
    start = data.index(b"c2pa.signature")
    data[start + 40:start + 80] = bytes(40)  # inside the signature box
    response = check(client, keys, bytes(data), text="Summer")
    entry = response.get_json()["images"][0]
    assert response.status_code == 200 and entry["error"] is None and entry["width"] == 320
    assert entry["provenance"]["tampered"] is True and entry["provenance"]["failures"]


def requiring(checker, monkeypatch, signers: list[str]) -> None:
    """The example profile, requiring Content Credentials from `signers` on every image."""
    brand = checker.ruleset.profiles["example"]
    policy = brand.images.model_copy(update={"require_credentials": True, "trusted_signers": signers})
    monkeypatch.setitem(checker.ruleset.profiles, "example", brand.model_copy(update={"images": policy}))


def credential_findings(checker, *images: bytes, profile: str | None = "example") -> list[tuple[int, str, str]]:
    source = ImageSource(types.SimpleNamespace(index=ReferenceIndex()), dict, LIMITS)
    checks = check_post(Submission("Summer #AIart", "en", profile=profile,
                                   images=tuple(Attachment(data) for data in images)), checker, [source])
    return [(f.image, f.severity, f.message) for f in checks.findings if f.rule == "image-copyright/untrusted-credentials"]


def test_a_profile_requiring_credentials_blocks_each_image_without_them_from_a_trusted_signer(checker, signer,
                                                                                             monkeypatch):
    requiring(checker, monkeypatch, ["Brand Studio", "Other DAM"])
    own = signed(signer, plain(), source_type="digitalCapture")
    found = credential_findings(checker, own, plain())
    assert [(image, severity) for image, severity, _ in found] == [(1, "block")]
    assert "none" in found[0][2] and "“Brand Studio”, “Other DAM”" in found[0][2]
    # The certificate's common name counts too, whatever its case.
    requiring(checker, monkeypatch, ["brand dam"])
    assert credential_findings(checker, own) == []


def test_credentials_from_another_signer_or_changed_after_signing_do_not_count(checker, signer, monkeypatch):
    requiring(checker, monkeypatch, ["Agency Archive"])
    own = signed(signer, plain(), source_type="digitalCapture")
    [(_, _, untrusted)] = credential_findings(checker, own)
    assert "signed by “Brand Studio”" in untrusted and "“Agency Archive”" in untrusted
    requiring(checker, monkeypatch, ["Brand Studio"])
    changed = bytearray(own)
    changed[-200] ^= 0xFF
    [(_, _, tampered)] = credential_findings(checker, bytes(changed))
    assert "assertion.dataHash.mismatch" in tampered and "changed after it was signed" in tampered


def test_without_the_requirement_images_without_credentials_are_no_finding(checker):
    assert credential_findings(checker, plain()) == [] and credential_findings(checker, plain(), profile=None) == []


def test_requiring_credentials_without_naming_a_signer_is_refused():
    from pydantic import ValidationError

    from preflight.packs.model import ImagePolicy

    with pytest.raises(ValidationError, match="trusted_signers"):
        ImagePolicy(require_credentials=True)
    assert ImagePolicy(require_credentials=True, trusted_signers=["Brand DAM"]).trusted_signers == ["Brand DAM"]
