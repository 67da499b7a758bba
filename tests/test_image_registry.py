"""The registry of reference images: storage on SQLite and PostgreSQL, the admin API, and sync between processes."""
from __future__ import annotations

import base64
import io
import threading
from datetime import date

import pytest

from .image_samples import encode, photo
from .test_storage import fresh_postgresql_schema, needs_postgresql
from preflight.http.app import create_app
from preflight.images.registry import LoadedIndex, prepare_reference
from preflight.images.fingerprint import fingerprint
from preflight.storage import StorageError, Store
from preflight.storage.images import DuplicateReference, NewReference, References

from .conftest import RULES

LIMITS = {"max_bytes": 10 * 2**20, "max_pixels": 40_000_000}


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=needs_postgresql)])
def references(request, tmp_path):
    if request.param == "sqlite":
        store = Store(f"sqlite:///{tmp_path / 'preflight.db'}")
        yield References(store)
        store.dispose()
        return
    with fresh_postgresql_schema() as url:
        store = Store(url)
        yield References(store)
        store.dispose()


def new(name: str, **fields) -> NewReference:
    prepared = prepare_reference(encode(photo(name)), **LIMITS)
    return NewReference(**{"label": name, "source": "Stock 1", "status": "restricted", "sha256": prepared.sha256,
                           "fingerprint": prepared.fingerprint, "thumbnail": prepared.thumbnail, "created_by": "cli",
                           **fields})


def test_a_reference_is_stored_listed_changed_and_deleted(references):
    added = references.add(new("coffee.png", license_expires=date(2030, 1, 31), status="licensed", notes="Q1 campaign"))
    assert references.get(added.id) == added
    assert (added.status, added.license_expires, added.notes, added.created_by) == ("licensed", date(2030, 1, 31), "Q1 campaign", "cli")
    changed = references.update(added.id, {"status": "restricted", "license_expires": None})
    assert (changed.status, changed.license_expires) == ("restricted", None) and changed.updated_at >= added.updated_at
    assert references.thumbnail(added.id)[:2] == b"\xff\xd8"
    assert references.delete(added.id) and references.get(added.id) is None and not references.delete(added.id)


def test_the_same_file_twice_is_refused_naming_the_first(references):
    first = references.add(new("coffee.png"))
    with pytest.raises(DuplicateReference) as caught:
        references.add(new("coffee.png", label="again"))
    assert caught.value.existing_id == first.id and str(first.id) in str(caught.value)


def test_bulk_adds_report_new_and_known_files(references):
    known = references.add(new("coffee.png"))
    outcome = references.add_many([new("coffee.png"), new("chelsea.png"), new("chelsea.png")])
    assert [(item.label, created) for item, _, created in outcome] == [
        ("coffee.png", False), ("chelsea.png", True), ("chelsea.png", False)]
    assert outcome[0][1] == known.id and outcome[1][1] == outcome[2][1]
    assert references.list()[1] == 2


def test_listing_filters_by_status_and_label_and_pages(references):
    for name, status in (("coffee.png", "licensed"), ("chelsea.png", "restricted"), ("rocket.jpg", "licensed")):
        references.add(new(name, status=status, label=f"{name.split('.')[0].title()} 100%_off"))
    page, total = references.list(status="licensed", limit=1)
    assert total == 2 and [r.label for r in page] == ["Rocket 100%_off"]
    assert [r.label for r in references.list(status="licensed", limit=1, offset=1)[0]] == ["Coffee 100%_off"]
    assert [r.label for r in references.list(label="CHELSEA")[0]] == ["Chelsea 100%_off"]
    assert references.list(label="0%_o")[1] == 3 and references.list(label="%")[1] == 3
    assert references.list(label="x_off")[1] == 0


@pytest.mark.parametrize(("field", "value"), [("status", "maybe"), ("label", ""), ("label", "x" * 201),
                                              ("source", " "), ("notes", "n" * 5001)])
def test_values_that_cannot_be_stored_are_refused(references, field, value):
    with pytest.raises(StorageError, match=field):
        references.add(new("coffee.png", **{field: value}))
    assert references.list()[1] == 0


def test_every_change_bumps_the_references_counter(references):
    counter = lambda: references._store.counters().get("references", 0)  # noqa: SLF001
    added = references.add(new("coffee.png"))
    assert counter() == 1
    references.update(added.id, {"notes": "x"})
    references.delete(added.id)
    assert counter() == 3


def test_the_loaded_index_follows_additions_and_removals(references):
    index = LoadedIndex(references)
    coffee = references.add(new("coffee.png"))
    index.refresh()
    probe = fingerprint(photo("coffee.png").resize((300, 200)))
    assert [m.ref_id for m in index.index.search(probe)] == [coffee.id]
    references.delete(coffee.id)
    references.add(new("chelsea.png"))
    index.refresh()
    assert index.index.search(probe) == [] and index.index.len() == 1


# Through the API (the session's app).

def upload(client, key, name: str = "rocket.jpg", **form):
    fields = {"label": "Rocket launch", "source": "Agency 77", "status": "licensed", "license_expires": "2031-05-01", **form}
    return client.post("/v1/images/references", data={"file": (io.BytesIO(encode(photo(name))), name), **fields},
                       headers=auth(key), content_type="multipart/form-data")


def test_admins_register_inspect_change_and_delete_references(client, keys):
    created = upload(client, keys["admin"])
    assert created.status_code == 201, created.get_json()
    ref = created.get_json()
    try:
        assert created.headers["Location"].endswith(f"/v1/images/references/{ref['id']}")
        assert (ref["label"], ref["status"], ref["license_expires"], ref["created_by"]) == (
            "Rocket launch", "licensed", "2031-05-01", "admin")
        assert ref["assumed"] == {}
        assert client.get(f"/v1/images/references/{ref['id']}", headers=auth(keys["admin"])).get_json() == {
            k: v for k, v in ref.items() if k != "assumed"}
        thumb = client.get(ref["thumbnail_url"], headers=auth(keys["admin"]))
        assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg" and thumb.data[:2] == b"\xff\xd8"
        listed = client.get("/v1/images/references?status=licensed&label=rocket", headers=auth(keys["admin"])).get_json()
        assert [r["id"] for r in listed["references"]] == [ref["id"]] and listed["total"] == 1
        assert client.get("/v1/images/references?status=restricted&label=rocket",
                          headers=auth(keys["admin"])).get_json()["total"] == 0
        patched = client.patch(f"/v1/images/references/{ref['id']}", json={"license_expires": None, "notes": "renewed"},
                               headers=auth(keys["admin"])).get_json()
        assert (patched["license_expires"], patched["notes"], patched["label"]) == (None, "renewed", "Rocket launch")
    finally:
        assert client.delete(f"/v1/images/references/{ref['id']}", headers=auth(keys["admin"])).status_code == 204
    assert client.get(f"/v1/images/references/{ref['id']}", headers=auth(keys["admin"])).status_code == 404


def test_a_registration_without_status_or_source_is_restricted_and_says_what_it_assumed(client, keys):
    response = client.post("/v1/images/references", data={"file": (io.BytesIO(encode(photo("chelsea.png"))), "cat.png"),
                                                           "label": "Cat"},
                           headers=auth(keys["admin"]), content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    ref = response.get_json()
    try:
        assert (ref["status"], ref["source"]) == ("restricted", "source not given")
        assert ref["assumed"] == {"status": "restricted", "source": "source not given"}
        given = upload(client, keys["admin"], name="coffee.png", status="licensed")
        assert given.get_json()["assumed"] == {}
        client.delete(f"/v1/images/references/{given.get_json()['id']}", headers=auth(keys["admin"]))
    finally:
        client.delete(f"/v1/images/references/{ref['id']}", headers=auth(keys["admin"]))


def test_a_duplicate_upload_answers_409_naming_the_existing_reference(client, keys):
    first = upload(client, keys["admin"]).get_json()
    try:
        again = upload(client, keys["admin"], label="Same file")
        assert again.status_code == 409
        error = again.get_json()["error"]
        assert error["code"] == "duplicate_reference" and error["details"] == [{"reference_id": first["id"]}]
        assert str(first["id"]) in error["message"]
    finally:
        client.delete(f"/v1/images/references/{first['id']}", headers=auth(keys["admin"]))


@pytest.mark.parametrize(("form", "field"), [({"status": "maybe"}, "status"), ({"license_expires": "31/12/2030"}, "license_expires"),
                                             ({"label": ""}, "label"), ({"colour": "red"}, "colour")])
def test_a_bad_form_answers_422_naming_the_field(client, keys, form, field):
    response = upload(client, keys["admin"], **form)
    assert response.status_code == 422
    assert field in [d.get("field") for d in response.get_json()["error"]["details"]]


def test_a_file_that_is_not_an_image_is_refused(client, keys):
    response = client.post("/v1/images/references", data={"file": (io.BytesIO(b"%PDF-1.4 ..."), "x.pdf"), "label": "x",
                                                           "source": "y", "status": "restricted"},
                           headers=auth(keys["admin"]), content_type="multipart/form-data")
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "not_an_image"


def test_the_registry_needs_an_admin_key(client, keys):
    assert upload(client, keys["check"]).status_code == 403
    assert client.get("/v1/images/references", headers=auth(keys["check"])).status_code == 403
    assert client.get("/v1/images/references").status_code == 401


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "offset=-1", "limit=ten", "status=lost"])
def test_bad_paging_and_filters_answer_422(client, keys, query):
    assert client.get(f"/v1/images/references?{query}", headers=auth(keys["admin"])).status_code == 422


def test_unknown_and_huge_ids_answer_404(client, keys):
    for ref_id in (999_999, 2**40):
        assert client.get(f"/v1/images/references/{ref_id}", headers=auth(keys["admin"])).status_code == 404
        assert client.delete(f"/v1/images/references/{ref_id}", headers=auth(keys["admin"])).status_code == 404
        assert client.patch(f"/v1/images/references/{ref_id}", json={"notes": "x"}, headers=auth(keys["admin"])).status_code == 404


# Two processes on one database file.

@pytest.fixture(scope="module")
def twins(tmp_path_factory, checker):
    config = {"DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('imgsync') / 'shared.db'}", "RULES_DIR": str(RULES),
              "RATE_LIMIT": "10000 per second", "SYNC_SECONDS": 0}
    first, second = create_app(config, checker), create_app(config, checker)
    yield first, second
    for app in (first, second):
        app.extensions["preflight"].recorder.flush()
        app.extensions["preflight"].store.dispose()


def test_a_reference_added_or_deleted_through_one_process_is_in_force_in_the_other(twins):
    first, second = twins
    key = first.extensions["preflight"].store.create_key("owner", "admin")
    copy = base64.b64encode(encode(photo("coffee.png").resize((400, 266)), "JPEG", quality=50)).decode()
    matched = lambda: [f["rule"] for f in second.test_client().post(
        "/v1/check", json={"text": "", "images": [{"data": copy}]}, headers=auth(key)).get_json()["findings"]]
    assert matched() == []
    ref = upload(first.test_client(), key, "coffee.png", status="restricted").get_json()
    assert matched() == ["image-copyright/restricted"]
    first.test_client().patch(f"/v1/images/references/{ref['id']}", json={"status": "licensed", "license_expires": None},
                              headers=auth(key))
    assert matched() == ["image-copyright/licensed"]
    assert first.test_client().delete(f"/v1/images/references/{ref['id']}", headers=auth(key)).status_code == 204
    assert matched() == []


# Schemathesis over the registry's operations (the check and packs are covered in test_api_schema.py).

IMAGE_OPERATIONS = [("POST", "/v1/images/references"), ("GET", "/v1/images/references"),
                    ("GET", "/v1/images/references/{ref_id}"), ("PATCH", "/v1/images/references/{ref_id}"),
                    ("DELETE", "/v1/images/references/{ref_id}"), ("GET", "/v1/images/references/{ref_id}/thumbnail")]


@pytest.mark.parametrize(("method", "path"), IMAGE_OPERATIONS)
def test_generated_registry_requests(api, keys, method, path):
    from hypothesis import HealthCheck, given, settings

    from .test_api_schema import CHECKS, operations

    operation = next(op for op in operations(api) if op.path == path and op.method.upper() == method)

    @given(case=operation.as_strategy())
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        case.call_and_validate(headers=auth(keys["admin"]), checks=CHECKS)

    run()


def test_a_large_index_is_rebuilt_in_the_background_and_then_serves(references):
    loaded = LoadedIndex(references, inline_rebuild=0)
    chelsea = references.add(new("chelsea.png"))
    loaded.refresh()
    probe = fingerprint(photo("chelsea.png").resize((300, 200)))
    for _ in range(600):  # bounded: at most a minute on a busy machine
        if loaded.index.len():
            break
        threading.Event().wait(0.1)
    assert [m.ref_id for m in loaded.index.search(probe)] == [chelsea.id]
    references.delete(chelsea.id)
    loaded.refresh(wait=True)
    assert loaded.index.search(probe) == []


def test_with_a_large_index_a_change_is_in_force_at_the_next_check(references):
    # inline_rebuild=0: every registry counts as large, so changes go to the small tier.
    loaded = LoadedIndex(references, inline_rebuild=0)
    coffee = references.add(new("coffee.png"))
    loaded.refresh(wait=True)
    chelsea = references.add(new("chelsea.png"))
    loaded.refresh()
    assert [m.ref_id for m in loaded.index.search(fingerprint(photo("chelsea.png").resize((300, 200))))] == [chelsea.id]
    references.delete(coffee.id)
    loaded.refresh()
    assert loaded.index.search(fingerprint(photo("coffee.png").resize((300, 200)))) == []
    assert loaded.index.len() == 1


def test_workers_sharing_a_folder_build_the_index_once_and_map_it(references, tmp_path):
    built = []
    coffee = references.add(new("coffee.png"))
    chelsea = references.add(new("chelsea.png"))
    first = LoadedIndex(references, folder=tmp_path / "index", on_built=lambda: built.append("first"))
    second = LoadedIndex(references, folder=tmp_path / "index", on_built=lambda: built.append("second"))
    first.refresh(wait=True)
    second.refresh(wait=True)  # finds the index the first one wrote: nothing to build
    assert built == ["first"] and len(list((tmp_path / "index").glob("index-*"))) == 1
    probe = fingerprint(photo("chelsea.png").resize((300, 200)))
    assert [m.ref_id for m in second.index.search(probe)] == [m.ref_id for m in first.index.search(probe)] == [chelsea.id]
    # A change: one of them rebuilds and writes a newer index; the other takes it at its next refresh.
    references.delete(chelsea.id)
    first.refresh(wait=True)
    second.refresh(wait=True)
    assert built == ["first", "first"] and len(list((tmp_path / "index").glob("index-*"))) == 1
    assert second.index.search(probe) == [] and second.index.len() == 1
    assert [m.ref_id for m in second.index.search(fingerprint(photo("coffee.png")))] == [coffee.id]
