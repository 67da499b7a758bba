"""The /approvals page for approvers: the queue of requests, each post with its findings, and the decision form."""
from __future__ import annotations

from flask import Blueprint, render_template

from preflight import __version__
from preflight.http.playground import strict_page

bp = Blueprint("approvals_page", __name__, template_folder="templates")


@bp.get("/approvals")
def approvals_page():
    """The page; it lists and decides requests from the browser with the approver's own key."""
    return strict_page(render_template("approvals.html", version=__version__))
