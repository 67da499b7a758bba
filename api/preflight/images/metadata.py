"""Copyright and credit notices embedded in an image file (EXIF, IPTC and XMP), and XMP's digital source type."""
from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from preflight.images.decode import DecodedImage

_EXIF_FIELDS = {0x8298: "EXIF Copyright", 0x013B: "EXIF Artist"}
# IPTC IIM record 2 datasets.
_IPTC_FIELDS = {116: "IPTC CopyrightNotice", 110: "IPTC Credit", 115: "IPTC Source"}
_IPTC_RESOURCE = 0x0404
_XMP_FIELDS = {
    "{http://purl.org/dc/elements/1.1/}rights": "XMP dc:rights",
    "{http://ns.adobe.com/photoshop/1.0/}Credit": "XMP photoshop:Credit",
}
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_SOURCE_TYPE = "{http://iptc.org/std/Iptc4xmpExt/2008-02-29/}DigitalSourceType"
_MAX_XMP = 1 << 20


@dataclass(frozen=True)
class Notice:
    """One notice: where it was found (e.g. "EXIF Copyright") and what it says."""

    field: str
    text: str


def copyright_notices(decoded: DecodedImage) -> list[Notice]:
    """Every non-empty copyright or credit notice in the file, without repeats."""
    found = _exif(decoded) + _iptc(decoded) + _xmp(decoded)
    return list(dict.fromkeys(n for n in found if n.text))


def names_owner(notice: Notice, owner_names: list[str]) -> bool:
    """Whether the notice names one of the brand's names (ignoring case, accents and punctuation)."""
    return mentions(notice.text, owner_names)


def mentions(text: str, names: list[str]) -> bool:
    """Whether `text` holds one of `names` as whole words, ignoring case, accents and punctuation."""
    folded = f" {fold_words(text)} "
    return any(f" {fold_words(name)} " in folded for name in names if fold_words(name))


def fold_words(text: str) -> str:
    """The words of `text`, case-folded and without accents, one space apart."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", letters))


def _clean(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(str(value).replace("\x00", " ").split())


def _exif(decoded: DecodedImage) -> list[Notice]:
    if decoded.exif is None:
        return []
    return [Notice(name, _clean(decoded.exif[tag])) for tag, name in _EXIF_FIELDS.items() if tag in decoded.exif]


def _iptc(decoded: DecodedImage) -> list[Notice]:
    """IPTC IIM datasets from the Photoshop resource block (JPEG APP13)."""
    block = (decoded.info.get("photoshop") or {}).get(_IPTC_RESOURCE) or b""
    notices, offset = [], 0
    while offset + 5 <= len(block):
        if block[offset] != 0x1C:
            break
        record, dataset = block[offset + 1], block[offset + 2]
        size = int.from_bytes(block[offset + 3:offset + 5], "big")
        if size & 0x8000:
            break
        value = block[offset + 5:offset + 5 + size]
        offset += 5 + size
        if record == 2 and dataset in _IPTC_FIELDS:
            notices.append(Notice(_IPTC_FIELDS[dataset], _clean(value)))
    return notices


def digital_source_types(decoded: DecodedImage) -> list[str]:
    """IPTC's Iptc4xmpExt:DigitalSourceType values in the XMP packet (URIs of the IPTC vocabulary, as written)."""
    root = _xmp_root(decoded)
    if root is None:
        return []
    found = []
    for element in root.iter():
        if _SOURCE_TYPE in element.attrib:
            found.append(element.attrib[_SOURCE_TYPE])
        if element.tag == _SOURCE_TYPE:
            found.append(element.attrib.get(f"{_RDF}resource") or element.text or "")
    return [value.strip() for value in found if value.strip()]


def _xmp_root(decoded: DecodedImage) -> ET.Element | None:
    """The parsed XMP packet; None when there is none, or it is oversized, malformed or declares entities."""
    packet = decoded.info.get("xmp") or decoded.info.get("XML:com.adobe.xmp") or b""
    if isinstance(packet, str):
        packet = packet.encode("utf-8")
    if not packet or len(packet) > _MAX_XMP or b"<!ENTITY" in packet:
        return None
    try:
        return ET.fromstring(packet.strip(b"\x00 \r\n\t"))
    except ET.ParseError:
        return None


def _xmp(decoded: DecodedImage) -> list[Notice]:
    """dc:rights and photoshop:Credit, as elements (with rdf:Alt/Seq/Bag items) or as attributes."""
    root = _xmp_root(decoded)
    if root is None:
        return []
    notices = []
    for element in root.iter():
        for key, value in element.attrib.items():
            if key in _XMP_FIELDS:
                notices.append(Notice(_XMP_FIELDS[key], _clean(value)))
        if element.tag in _XMP_FIELDS:
            items = [li.text for li in element.iter(f"{_RDF}li") if li.text]
            for text in items or [element.text or ""]:
                notices.append(Notice(_XMP_FIELDS[element.tag], _clean(text)))
    return notices
