"""Near-duplicate matching: every kind of edited copy finds its reference; unrelated photos find nothing."""
from __future__ import annotations

import io
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from .image_samples import REFERENCE_PHOTOS, UNRELATED_PHOTOS, encode, photo
from preflight.images.decode import decode_image
from preflight.images.fingerprint import (QUERY_SIDE, UPSCALE_BELOW, Fingerprint, FingerprintFormatError,
                                          analysis_gray, fingerprint, query_fingerprint)
from preflight.images import descriptors
from preflight.images.index import VOTED_CANDIDATES, ImageMatch, ReferenceIndex, SavedIndex, hash_matches, voted
from preflight.images.thumbnail import thumbnail_jpeg
from preflight.images.variants import VARIANTS


@pytest.fixture(scope="module")
def index() -> ReferenceIndex:
    built = ReferenceIndex()
    for ref_id, name in enumerate(REFERENCE_PHOTOS, start=1):
        built.add(ref_id, fingerprint(photo(name)))
    return built


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_variant_of_a_registered_photo_matches_it(index, variant):
    missed = []
    for ref_id, name in enumerate(REFERENCE_PHOTOS, start=1):
        matches = index.search(query_fingerprint(VARIANTS[variant](photo(name))))
        if not matches or matches[0].ref_id != ref_id:
            missed.append(name)
    assert not missed, f"{variant} missed {missed}"


@pytest.mark.parametrize("name", UNRELATED_PHOTOS)
def test_unrelated_photos_and_their_variants_match_nothing(index, name):
    original = photo(name)
    false = {v: index.search(query_fingerprint(edit(original))) for v, edit in VARIANTS.items()}
    assert not {v: m for v, m in false.items() if m}


def test_a_rotated_phone_photo_matches_its_upright_reference(index):
    exif = Image.Exif()
    exif[0x0112] = 8
    stored = photo("astronaut.png").transpose(Image.Transpose.ROTATE_270)
    decoded = decode_image(encode(stored, "JPEG", quality=88, exif=exif.tobytes()), max_bytes=2**24,
                           max_pixels=10**8)
    assert [m.ref_id for m in index.search(fingerprint(decoded.image))][:1] == [1]


def test_a_match_says_how_it_was_found_and_how_close_it_is(index):
    exact = index.search(fingerprint(photo("coffee.png")))[0]
    assert exact.ref_id == 2 and exact.how == "hash" and exact.distance is not None and exact.similarity > 0.9
    mirrored = index.search(fingerprint(VARIANTS["mirror"](photo("coffee.png"))))[0]
    assert mirrored.ref_id == 2 and "mirror" in mirrored.how
    cropped = index.search(fingerprint(VARIANTS["crop-20-offcentre"](photo("chelsea.png"))))[0]
    assert cropped.ref_id == 3 and 0 < cropped.similarity <= 1


def test_fingerprints_survive_their_binary_form(index):
    original = fingerprint(photo("rocket.jpg"))
    data = original.to_bytes()
    restored = Fingerprint.from_bytes(data)
    assert np.array_equal(restored.hashes, original.hashes)
    assert np.array_equal(restored.keypoints.descriptors, original.keypoints.descriptors)
    assert np.abs(restored.keypoints.points - original.keypoints.points).max() <= 1 / 16
    assert len(data) < 32_000
    fresh = ReferenceIndex()
    fresh.add(7, restored)
    assert fresh.search(fingerprint(VARIANTS["crop-10"](photo("rocket.jpg"))))[0].ref_id == 7


@pytest.mark.parametrize("data", [b"", b"PFIF\x09" + b"\x00" * 40, b"not a fingerprint at all, really"])
def test_foreign_bytes_are_not_read_as_a_fingerprint(data):
    with pytest.raises(FingerprintFormatError):
        Fingerprint.from_bytes(data)


def test_removed_references_are_no_longer_found():
    local = ReferenceIndex()
    local.add(1, fingerprint(photo("coffee.png")))
    local.add(2, fingerprint(photo("chelsea.png")))
    local.remove(1)
    local.remove(99)
    assert local.len() == 1 == len(local)
    assert local.search(fingerprint(photo("coffee.png"))) == []
    assert [m.ref_id for m in local.search(fingerprint(photo("chelsea.png")))] == [2]


def test_searches_run_while_references_are_added():
    local = ReferenceIndex()
    local.add(1, fingerprint(photo("coffee.png")))
    query = fingerprint(VARIANTS["jpeg-q30"](photo("coffee.png")))
    others = [fingerprint(VARIANTS["crop-5"](photo(n))) for n in UNRELATED_PHOTOS]
    results: list[list[ImageMatch]] = []

    def search() -> None:
        for _ in range(20):
            results.append(local.search(query))

    threads = [threading.Thread(target=search) for _ in range(3)]
    for thread in threads:
        thread.start()
    for ref_id, fp in enumerate(others, start=10):
        local.add(ref_id, fp)
    for thread in threads:
        thread.join()
    assert len(results) == 60 and all(r and r[0].ref_id == 1 for r in results)


def test_an_empty_index_matches_nothing():
    assert ReferenceIndex().search(fingerprint(photo("coffee.png"))) == []


def test_a_thumbnail_is_a_small_jpeg_of_the_picture():
    data = thumbnail_jpeg(photo("coffee.png"))
    with Image.open(io.BytesIO(data)) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == 160 and thumb.size[0] > thumb.size[1]


def test_a_built_index_finds_what_an_incrementally_filled_one_finds(index):
    built = ReferenceIndex.build((ref_id, fingerprint(photo(name))) for ref_id, name in enumerate(REFERENCE_PHOTOS, 1))
    query = fingerprint(VARIANTS["caption-below"](photo("rocket.jpg")))
    assert [m.ref_id for m in built.search(query)] == [m.ref_id for m in index.search(query)] == [4]


def test_the_hash_screen_finds_near_copies_in_every_block_of_a_large_index():
    rng = np.random.default_rng(3)
    words = rng.integers(0, 2**63, size=(150_000, 4), dtype=np.uint64)
    query = rng.integers(0, 256, size=(4, 32), dtype=np.uint8)
    query_words = query.view("<u8")
    planted = {5: (0, 0b1), 70_001: (2, 0b111), 149_999: (3, 0)}  # row: (query hash kind, bits flipped)
    for row, (kind, flip) in planted.items():
        words[row] = query_words[kind]
        words[row, 1] ^= np.uint64(flip)
    found = hash_matches(np.ascontiguousarray(words[:, 0]), words, query)
    assert sorted(found) == [(5, 1, "image"), (70_001, 3, "mirror"), (149_999, 0, "trimmed-mirror")]


@settings(max_examples=40, deadline=None)
@given(width=st.integers(1, 3000), height=st.integers(1, 3000))
def test_a_query_is_analysed_enlarged_when_small_and_never_beyond_the_query_side(width, height):
    gray = analysis_gray(Image.new("RGB", (width, height)), QUERY_SIDE, UPSCALE_BELOW)
    short, long = sorted(gray.shape)
    assert long <= QUERY_SIDE + 1
    if min(width, height) < UPSCALE_BELOW and max(width, height) * UPSCALE_BELOW / min(width, height) <= QUERY_SIDE:
        assert abs(short - UPSCALE_BELOW) <= 1  # enlarged to the threshold
    elif min(width, height) >= UPSCALE_BELOW and max(width, height) <= QUERY_SIDE:
        assert gray.shape == (height, width)  # large enough and within the side: left as it is


def test_a_small_repost_is_enlarged_before_its_keypoints_and_found(index):
    repost = VARIANTS["small-repost"](photo("coffee.png"))
    assert min(repost.size) < UPSCALE_BELOW
    assert min(query_fingerprint(repost).frame) == UPSCALE_BELOW
    assert query_fingerprint(repost, upscale_below=0).frame == repost.size
    assert index.search(query_fingerprint(repost))[0].ref_id == REFERENCE_PHOTOS.index("coffee.png") + 1


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), count=st.integers(1, 2048), queries=st.integers(1, 40),
       flat=st.booleans())
def test_the_descriptor_index_finds_the_nearest_descriptor_as_brute_force_does(tmp_path_factory, seed, count,
                                                                               queries, flat):
    # Up to 2,048 descriptors the inverted file has at most PROBES lists, so every list is searched: it must
    # then agree with comparing every descriptor, through writing and mapping the file too.
    rng = np.random.default_rng(seed)
    stored = rng.integers(0, 256, size=(count, 32), dtype=np.uint8)
    # Half the queries are stored descriptors with a few bits flipped, the rest random (mostly far from all).
    picked = stored[rng.integers(0, count, queries)]
    flips = np.unpackbits(picked, axis=1) ^ (rng.random((queries, 256)) < np.where(
        np.arange(queries)[:, None] % 2 == 0, 0.08, 0.5))
    query = np.packbits(flips, axis=1)
    path = tmp_path_factory.mktemp("descriptors") / "index.faiss"
    descriptors.write(descriptors.build(stored, flat_up_to=count if flat else 0), path)
    rows, found = descriptors.nearest(descriptors.read(path), query, 64)
    distance = np.unpackbits(query[:, None, :] ^ stored[None, :, :], axis=2).sum(axis=2)
    best = distance.min(axis=1)
    assert list(rows) == list(np.flatnonzero(best <= 64))
    assert list(distance[rows, found]) == list(best[rows])


def test_a_saved_index_read_back_mapped_finds_what_the_built_one_finds(tmp_path, index):
    index.save(tmp_path)
    saved = SavedIndex(tmp_path)
    assert saved.len() == index.len() and saved.ids == set(range(1, len(REFERENCE_PHOTOS) + 1))
    for variant in ("crop-20-offcentre", "screenshot", "mirror"):
        query = query_fingerprint(VARIANTS[variant](photo("chelsea.png")))
        assert [m.ref_id for m in saved.search(query)] == [m.ref_id for m in index.search(query)] == [3]


def test_candidates_are_the_references_with_the_most_correspondences_and_at_least_three():
    # Owner rows of the correspondences of one query: row 7 has 5, rows 2 and 40 have 3 each, row 9 only 2.
    owners = np.array([40, 7, 9, 7, 2, 40, 7, 2, 9, 7, 40, 2, 7], np.uint32)
    assert voted(owners) == [7, 2, 40]
    many = np.repeat(np.arange(20, dtype=np.uint32), np.arange(20) + 3)
    assert voted(many) == list(range(19, 19 - VOTED_CANDIDATES, -1))
    assert voted(np.zeros(0, np.uint32)) == []
