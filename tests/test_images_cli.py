"""`preflight images`: bulk import with skipped files named, listing, removal; what it imports is matched."""
from __future__ import annotations

import argparse

import pytest

from .image_samples import encode, photo
from preflight.images.registry import LoadedIndex
from preflight.images.fingerprint import fingerprint
from preflight.cli.images import add_images_parser, run_images
from preflight.storage import Store
from preflight.storage.images import References


@pytest.fixture()
def database_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'preflight.db'}"


def images(database_url: str, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="preflight")
    add_images_parser(parser.add_subparsers(dest="command", required=True))
    return run_images(parser.parse_args(["images", *argv]), database_url)


@pytest.fixture()
def library(tmp_path):
    folder = tmp_path / "stock"
    (folder / "nested").mkdir(parents=True)
    (folder / "coffee.png").write_bytes(encode(photo("coffee.png")))
    (folder / "nested" / "chelsea.jpg").write_bytes(encode(photo("chelsea.png"), "JPEG", quality=90))
    (folder / "broken.jpg").write_bytes(encode(photo("rocket.jpg"), "JPEG")[:2000])
    (folder / "notes.jpg").write_bytes(b"licence terms, not a picture")
    (folder / "README.txt").write_text("not looked at: not an image suffix")
    return folder


def stored(database_url: str):
    store = Store(database_url)
    try:
        return References(store).list(limit=100)[0], store.counters().get("references", 0)
    finally:
        store.dispose()


def test_import_registers_each_image_and_names_each_skipped_file(database_url, library, capsys):
    assert images(database_url, "import", str(library), "--status", "licensed", "--source", "Stock Co",
                  "--expires", "2030-06-30", "--jobs", "2") == 0
    err = capsys.readouterr().err
    assert sorted(line.split(":")[0] for line in err.splitlines() if line.startswith("skipped")) == [
        f"skipped {library / 'broken.jpg'}", f"skipped {library / 'notes.jpg'}"]
    assert "truncated" in err or "damaged" in err
    assert "2 imported, 0 already registered, 2 skipped of 4 files" in err and "images/s" in err
    references, counter = stored(database_url)
    assert sorted((r.label, r.status, r.source, r.license_expires.isoformat(), r.created_by) for r in references) == [
        ("chelsea", "licensed", "Stock Co", "2030-06-30", "cli"), ("coffee", "licensed", "Stock Co", "2030-06-30", "cli")]
    assert counter >= 1, "processes serving checks notice the import"


def test_import_without_status_or_source_assumes_restricted_and_prints_it(database_url, library, capsys):
    assert images(database_url, "import", str(library / "coffee.png")) == 0
    assert "assumed --status 'restricted' and --source 'source not given' (not given)" in capsys.readouterr().err
    [reference], _ = stored(database_url)
    assert (reference.status, reference.source) == ("restricted", "source not given")


def test_importing_again_counts_files_already_there(database_url, library, capsys):
    images(database_url, "import", str(library / "coffee.png"), "--status", "restricted", "--source", "S")
    capsys.readouterr()
    assert images(database_url, "import", str(library), "--status", "restricted", "--source", "S") == 0
    assert "1 imported, 1 already registered, 2 skipped" in capsys.readouterr().err


def test_imported_references_are_matched(database_url, library):
    images(database_url, "import", str(library), "--status", "restricted", "--source", "S")
    store = Store(database_url)
    try:
        index = LoadedIndex(References(store))
        index.refresh()
        [match] = index.index.search(fingerprint(photo("chelsea.png").resize((300, 200))))
        assert References(store).get(match.ref_id).label == "chelsea"
    finally:
        store.dispose()


def test_nothing_importable_fails_with_a_message(database_url, tmp_path, capsys):
    assert images(database_url, "import", str(tmp_path), "--status", "restricted", "--source", "S") == 3
    assert "no image files" in capsys.readouterr().err


def test_list_and_remove(database_url, library, capsys):
    images(database_url, "list")
    assert "No reference images" in capsys.readouterr().out
    images(database_url, "import", str(library / "coffee.png"), "--status", "restricted", "--source", "Agency [x]")
    capsys.readouterr()
    assert images(database_url, "list", "--status", "restricted") == 0
    out = capsys.readouterr().out
    assert "coffee" in out and "Agency [x]" in out and "restricted" in out
    [reference], _ = stored(database_url)
    assert images(database_url, "remove", str(reference.id)) == 0
    assert f"removed reference {reference.id}" in capsys.readouterr().out
    assert images(database_url, "remove", str(reference.id)) == 3
    assert f"no reference {reference.id}" in capsys.readouterr().err
