"""Decoding attached images: limits, broken files and every pixel layout a phone or editor produces."""
from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from .image_samples import encode, photo
from preflight.errors import InputError
from preflight.images.decode import decode_image
from preflight.images.errors import ImageError

LIMITS = {"max_bytes": 8 * 2**20, "max_pixels": 40_000_000}


def decode(data: bytes, **limits):
    return decode_image(data, **{**LIMITS, **limits})


def refused(data: bytes, **limits) -> ImageError:
    with pytest.raises(ImageError) as caught:
        decode(data, **limits)
    return caught.value


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def pixel_bomb(side: int = 50_000) -> bytes:
    """A valid-looking 1-bit PNG of side × side pixels whose file is a few hundred bytes."""
    rows = zlib.compress(b"\x00" * (1 + side // 8) * 64, 9)
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", rows) + png_chunk(b"IEND", b"")


def test_a_jpeg_decodes_to_upright_rgb_with_its_size_and_bytes():
    data = encode(photo("coffee.png"), "JPEG", quality=90)
    decoded = decode(data)
    assert (decoded.format, decoded.width, decoded.height, decoded.image.mode) == ("JPEG", 600, 400, "RGB")
    assert decoded.data == data and len(decoded.frames) == 1


def test_text_is_not_an_image_and_the_error_is_an_input_error():
    error = refused(b"hello, this is a caption, not a picture")
    assert error.code == "not_an_image" and isinstance(error, InputError)


def test_a_format_pillow_knows_but_the_check_does_not_accept_is_unsupported():
    assert refused(encode(photo("coffee.png"), "PPM")).code == "unsupported_image"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_truncated_file_is_refused_as_truncated(fmt):
    data = encode(photo("astronaut.png"), fmt)
    assert refused(data[: len(data) // 2]).code == "truncated_image"


def test_oversize_bytes_are_refused_with_the_limit_in_the_message():
    error = refused(encode(photo("coffee.png"), "PNG"), max_bytes=10_000)
    assert error.code == "image_too_large" and "10,000 bytes" in str(error)


def test_a_pixel_bomb_of_a_few_hundred_bytes_is_refused_before_decoding():
    bomb = pixel_bomb()
    assert len(bomb) < 4096
    error = refused(bomb)
    assert error.code == "too_many_pixels" and "40,000,000" in str(error)


def test_a_picture_over_the_callers_pixel_limit_is_refused():
    assert refused(encode(photo("coffee.png"), "PNG"), max_pixels=100_000).code == "too_many_pixels"


def test_exif_orientation_is_applied():
    upright = photo("rocket.jpg")
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera held sideways: display rotated 90° clockwise
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    decoded = decode(encode(stored, "JPEG", quality=95, exif=exif.tobytes()))
    assert decoded.image.size == upright.size
    difference = np.abs(np.asarray(decoded.image, np.int16) - np.asarray(upright, np.int16)).mean()
    assert difference < 6


def test_cmyk_is_converted_to_rgb_with_its_colours():
    decoded = decode(encode(Image.new("CMYK", (64, 64), (0, 255, 255, 0)), "JPEG", quality=95))
    red, green, blue = decoded.image.getpixel((32, 32))
    assert decoded.image.mode == "RGB" and red > 200 and green < 60 and blue < 60


def test_16_bit_greyscale_is_scaled_not_clipped():
    ramp = np.tile(np.linspace(0, 65535, 256).astype(np.uint16), (16, 1))
    decoded = decode(encode(Image.fromarray(ramp), "PNG"))
    row = np.asarray(decoded.image)[8, :, 0]
    assert row[0] < 3 and row[-1] > 252 and 100 < row[128] < 156


def test_transparency_is_flattened_on_white():
    image = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    image.paste((10, 20, 200, 255), (10, 10, 30, 30))
    decoded = decode(encode(image, "PNG"))
    assert decoded.image.getpixel((2, 2)) == (255, 255, 255)
    assert decoded.image.getpixel((20, 20)) == (10, 20, 200)


def test_palette_images_with_a_transparent_index_are_flattened():
    image = Image.new("P", (20, 20), 0)
    image.putpalette([0, 0, 0, 250, 0, 0] + [0] * 762)
    image.paste(1, (0, 0, 10, 20))
    decoded = decode(encode(image, "PNG", transparency=0))
    assert decoded.image.getpixel((15, 5)) == (255, 255, 255)
    assert decoded.image.getpixel((5, 5)) == (250, 0, 0)


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_animations_give_the_first_frame_and_sampled_later_ones(fmt):
    colours = [(220, 30, 30), (30, 220, 30), (30, 30, 220), (220, 220, 30), (30, 220, 220), (120, 120, 120)]
    frames = [Image.new("RGB", (48, 48), c) for c in colours]
    data = encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    decoded = decode(data)
    seen = [f.getpixel((24, 24)) for f in decoded.frames]
    assert decoded.image.getpixel((24, 24)) == seen[0]
    assert 3 <= len(seen) <= 4
    assert np.allclose(seen[0], colours[0], atol=12) and np.allclose(seen[-1], colours[-1], atol=12)


def test_heic_from_phones_decodes():
    pytest.importorskip("pillow_heif", reason="pillow-heif provides HEIC/HEIF")
    from pillow_heif import from_pillow

    out = io.BytesIO()
    from_pillow(photo("chelsea.png")).save(out, quality=80)
    decoded = decode(out.getvalue())
    assert decoded.format == "HEIF" and decoded.image.size == (451, 300)


def test_avif_decodes():
    from PIL import features

    if not features.check("avif"):
        pytest.skip("this Pillow build has no AVIF codec")
    decoded = decode(encode(photo("chelsea.png"), "AVIF", quality=70))
    assert decoded.format == "AVIF" and decoded.image.size == (451, 300)
