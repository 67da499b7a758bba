"""The registry of reference images, for admins: upload, list, inspect, change, delete."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from pydantic import ValidationError

from preflight.images.registry import prepare_reference
from preflight.images.registration import registration_defaults
from preflight.images.errors import ImageError
from preflight.storage import StorageError
from preflight.storage.images import DuplicateReference, NewReference
from preflight.http.auth import require
from preflight.http.edge import check_tree
from preflight.http.errors import ApiError
from preflight.http.image_checks import STATUS
from preflight.http.openapi import documented, query, whole
from preflight.http.schemas import REFERENCE_ID_MAX, ReferenceForm, ReferenceOut, ReferencePatch, ReferencesResponse
from preflight.http.views_check import parse_json, validation_details
from preflight.http.views_overrides import whole_number

bp = Blueprint("images", __name__)
PAGE_DEFAULT, PAGE_MAX = 50, 200
OFFSET_MAX = 2**31 - 1
UPLOAD = {"type": "object", "required": ["file", "label", "source", "status"], "properties": {
    "file": {"type": "string", "format": "binary"}, "label": {"type": "string"}, "source": {"type": "string"},
    "status": {"type": "string", "enum": ["restricted", "licensed"]},
    "license_expires": {"type": "string", "format": "date"}, "notes": {"type": "string"}}}
REF_ID = {"ref_id": whole(0, REFERENCE_ID_MAX)}
NOTES = {404: "No such reference",
         409: "The same file is already registered (details name its id)",
         413: "The file is over MAX_IMAGE_BYTES or MAX_IMAGE_PIXELS",
         422: "The request does not match the schema, or the file is not a usable image"}


def reference_out(reference) -> dict:
    return {**reference.to_dict(), "thumbnail_url": url_for("images.thumbnail", ref_id=reference.id)}


def found(ref_id: int):
    reference = current_app.extensions["preflight"].references.get(ref_id) if ref_id <= REFERENCE_ID_MAX else None
    if reference is None:
        raise ApiError(404, "not_found", f"no reference image {ref_id}; see GET /v1/images/references")
    return reference


def in_force_here() -> None:
    # The counter was bumped with the change, for the other processes; this one answers once it is in force here.
    current_app.extensions["preflight"].reference_index.refresh(wait=True)


@bp.post("/v1/images/references")
@documented("Register a reference image (multipart: file, label, source, status, license_expires, notes)", ReferenceOut,
            status=201, form=UPLOAD, errors=(409, 413), notes=NOTES)
@require("admin")
def create_reference():
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type", "send multipart/form-data with the image as 'file'")
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(422, "invalid_request", "attach the image as the form field 'file'", [{"field": "file"}])
    fields = {k: v for k, v in request.form.items() if v != ""}
    check_tree(fields)
    try:
        form = ReferenceForm.model_validate(fields)
    except ValidationError as exc:
        raise ApiError(422, "invalid_request", "the form does not match the schema", validation_details(exc)) from None
    service = current_app.extensions["preflight"]
    config = current_app.config
    try:
        prepared = prepare_reference(upload.read(), max_bytes=int(config["MAX_IMAGE_BYTES"]),
                                     max_pixels=int(config["MAX_IMAGE_PIXELS"]))
    except ImageError as exc:
        raise ApiError(STATUS.get(exc.code, 422), exc.code, str(exc), [{"field": "file"}]) from None
    status, source, assumed = registration_defaults(form.status, form.source)
    try:
        reference = service.references.add(NewReference(
            label=form.label, source=source, status=status, license_expires=form.license_expires,
            notes=form.notes, created_by=g.api_key.name, sha256=prepared.sha256, fingerprint=prepared.fingerprint,
            thumbnail=prepared.thumbnail))
    except DuplicateReference as exc:
        raise ApiError(409, "duplicate_reference", str(exc), [{"reference_id": exc.existing_id}]) from None
    except StorageError as exc:
        raise ApiError(422, "invalid_request", str(exc)) from None
    in_force_here()
    response = jsonify({**reference_out(reference), "assumed": assumed})
    response.status_code = 201
    response.headers["Location"] = url_for("images.get_reference", ref_id=reference.id)
    return response


@bp.get("/v1/images/references")
@documented("Reference images, newest first, filtered by status or label", ReferencesResponse, errors=(422,),
            query=(query("status", {"type": "string", "enum": ["restricted", "licensed"]}),
                   query("label", {"type": "string"}, "Part of the label, any case"),
                   query("limit", whole(1, PAGE_MAX, PAGE_DEFAULT)), query("offset", whole(0, OFFSET_MAX, 0))),
            notes=NOTES)
@require("admin")
def list_references():
    status = request.args.get("status") or None
    if status not in (None, "restricted", "licensed"):
        raise ApiError(422, "invalid_request", "status must be restricted or licensed", [{"field": "status"}])
    limit, offset = whole_number("limit", PAGE_DEFAULT, 1, PAGE_MAX), whole_number("offset", 0, 0, OFFSET_MAX)
    references, total = current_app.extensions["preflight"].references.list(
        status=status, label=request.args.get("label") or None, limit=limit, offset=offset)
    return jsonify({"references": [reference_out(r) for r in references], "total": total, "limit": limit,
                    "offset": offset})


@bp.get("/v1/images/references/<int:ref_id>")
@documented("One reference image", ReferenceOut, path=REF_ID, errors=(404,), notes=NOTES)
@require("admin")
def get_reference(ref_id: int):
    return jsonify(reference_out(found(ref_id)))


@bp.get("/v1/images/references/<int:ref_id>/thumbnail")
@documented("The reference's thumbnail", None, ok="A small JPEG", path=REF_ID, errors=(404,), notes=NOTES,
            media={"image/jpeg": {"schema": {"type": "string", "format": "binary"}}})
@require("admin")
def thumbnail(ref_id: int):
    found(ref_id)
    data = current_app.extensions["preflight"].references.thumbnail(ref_id)
    if data is None:
        raise ApiError(404, "not_found", f"no reference image {ref_id}")
    return Response(data, mimetype="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})


@bp.patch("/v1/images/references/<int:ref_id>")
@documented("Change label, source, status, licence date or notes", ReferenceOut, request=ReferencePatch, path=REF_ID,
            errors=(404,), notes=NOTES)
@require("admin")
def update_reference(ref_id: int):
    found(ref_id)
    patch = parse_json()
    changes = patch.model_dump(exclude_unset=True)
    if not changes:
        raise ApiError(422, "invalid_request", "nothing to change: send label, source, status, license_expires or notes")
    for field in ("label", "source", "status"):
        if field in changes and changes[field] is None:
            raise ApiError(422, "invalid_request", f"{field} cannot be null", [{"field": field}])
    try:
        reference = current_app.extensions["preflight"].references.update(ref_id, changes)
    except StorageError as exc:
        raise ApiError(422, "invalid_request", str(exc)) from None
    if reference is None:
        raise ApiError(404, "not_found", f"no reference image {ref_id}")
    in_force_here()
    return jsonify(reference_out(reference))


@bp.delete("/v1/images/references/<int:ref_id>")
@documented("Delete a reference image", None, status=204, ok="Deleted", path=REF_ID, errors=(404,), notes=NOTES)
@require("admin")
def delete_reference(ref_id: int):
    if ref_id > REFERENCE_ID_MAX or not current_app.extensions["preflight"].references.delete(ref_id):
        raise ApiError(404, "not_found", f"no reference image {ref_id}")
    in_force_here()
    return "", 204
