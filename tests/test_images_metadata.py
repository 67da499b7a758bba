"""Copyright and credit notices written into image files by cameras, agencies and editors."""
from __future__ import annotations

import struct

from PIL import Image, PngImagePlugin

from .image_samples import encode
from preflight.images.decode import decode_image
from preflight.images.metadata import Notice, copyright_notices, names_owner

XMP = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
  photoshop:Credit="Getty Images">
<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">© 2024 Jane Doe Photography</rdf:li></rdf:Alt></dc:rights>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def decoded(data: bytes):
    return decode_image(data, max_bytes=2**24, max_pixels=10**8)


def picture() -> Image.Image:
    return Image.new("RGB", (32, 24), (90, 120, 150))


def with_iptc(jpeg: bytes, datasets: dict[int, str]) -> bytes:
    """Insert a Photoshop APP13 segment carrying IPTC IIM record-2 datasets after the JPEG's SOI."""
    iim = b"".join(b"\x1c\x02" + bytes([n]) + struct.pack(">H", len(v.encode())) + v.encode()
                   for n, v in datasets.items())
    padded = iim + b"\x00" * (len(iim) % 2)
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim)) + padded
    body = b"Photoshop 3.0\x00" + resource
    return jpeg[:2] + b"\xff\xed" + struct.pack(">H", len(body) + 2) + body + jpeg[2:]


def test_exif_copyright_and_artist_are_read():
    exif = Image.Exif()
    exif[0x8298] = "Copyright 2023 Getty Images"
    exif[0x013B] = "John Smith"
    notices = copyright_notices(decoded(encode(picture(), "JPEG", exif=exif.tobytes())))
    assert Notice("EXIF Copyright", "Copyright 2023 Getty Images") in notices
    assert Notice("EXIF Artist", "John Smith") in notices


def test_iptc_copyright_notice_credit_and_source_are_read():
    data = with_iptc(encode(picture(), "JPEG"), {116: "(c) Reuters", 110: "Reuters", 115: "Reuters/Pool", 5: "Title"})
    notices = copyright_notices(decoded(data))
    assert notices == [Notice("IPTC CopyrightNotice", "(c) Reuters"), Notice("IPTC Credit", "Reuters"),
                       Notice("IPTC Source", "Reuters/Pool")]


def test_xmp_rights_and_credit_are_read_from_jpeg_and_png():
    jpeg = encode(picture(), "JPEG", xmp=XMP.encode())
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", XMP)
    png = encode(picture(), "PNG", pnginfo=info)
    expected = {Notice("XMP dc:rights", "© 2024 Jane Doe Photography"), Notice("XMP photoshop:Credit", "Getty Images")}
    assert set(copyright_notices(decoded(jpeg))) == expected
    assert set(copyright_notices(decoded(png))) == expected


def test_a_file_without_notices_has_none():
    assert copyright_notices(decoded(encode(picture(), "JPEG"))) == []


def test_malformed_xmp_is_ignored_not_fatal():
    assert copyright_notices(decoded(encode(picture(), "JPEG", xmp=b"<x:xmpmeta><rdf:RDF"))) == []


def test_the_brand_is_recognised_regardless_of_case_and_accents():
    notice = Notice("EXIF Copyright", "© 2024 CAFÉ NOIR B.V. — all rights reserved")
    assert names_owner(notice, ["Cafe Noir"])
    assert names_owner(notice, ["Other Brand", "café noir b.v."])
    assert not names_owner(notice, ["Noir Café"])
    assert names_owner(Notice("IPTC Credit", "Getty Images"), ["", "Getty"])
    assert not names_owner(Notice("IPTC Credit", "Getty Images"), [""])
    assert not names_owner(Notice("IPTC Credit", "Gettysburg Images"), ["Getty"])
