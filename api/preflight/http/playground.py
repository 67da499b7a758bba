"""The playground: a page where policy owners and new users try posts against the API."""
from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template

from preflight import __version__

bp = Blueprint("playground", __name__, template_folder="templates", static_folder="static", static_url_path="/static")
# The pages handle an API key: only their own scripts and styles may run, and nothing may frame them.
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def strict_page(html: str) -> Response:
    response = make_response(html)
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response


@bp.get("/")
def playground():
    """Render the playground; it calls the API from the browser with the user's own key."""
    return strict_page(render_template("playground.html", version=__version__))
