"""The engine is a library: no module of it imports the web framework."""
from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1] / "api" / "preflight"
WEB_MODULES = {"flask", "werkzeug", "gunicorn"}


def test_no_engine_module_imports_flask():
    offenders = []
    for path in ENGINE.rglob("*.py"):
        if "http" in path.relative_to(ENGINE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in WEB_MODULES]
    assert not offenders
