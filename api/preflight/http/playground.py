"""The playground: a page where policy owners and new users try posts against the API."""
from __future__ import annotations

from flask import Blueprint, render_template

from .. import __version__

bp = Blueprint("playground", __name__, template_folder="templates", static_folder="static", static_url_path="/static")


@bp.get("/")
def playground():
    """Render the playground; it calls the API from the browser with the user's own key."""
    return render_template("playground.html", version=__version__)
