"""The engine is a library: no module of it imports the web framework, and only `preflight serve` starts the server."""
from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1] / "api" / "preflight"
WEB_MODULES = {"flask", "werkzeug", "gunicorn"}
# The one way from the command line into the HTTP package: `preflight serve` starts it.
SERVE = ("cli.py", "preflight.http.serve")


def imports(path: Path) -> list[str]:
    """Absolute names of every module `path` imports, relative imports resolved."""
    package = ["preflight", *path.relative_to(ENGINE).parts[:-1]]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names += [module] if node.module else [f"{module}.{alias.name}" for alias in node.names]
    return names


def engine_modules() -> list[Path]:
    return [p for p in ENGINE.rglob("*.py") if "http" not in p.relative_to(ENGINE).parts]


def test_no_engine_module_imports_flask():
    offenders = [f"{p.name}: {n}" for p in engine_modules() for n in imports(p) if n.split(".")[0] in WEB_MODULES]
    assert not offenders


def test_the_engine_and_the_command_line_do_not_import_the_http_package():
    offenders = [f"{p.relative_to(ENGINE)}: {n}" for p in engine_modules() for n in imports(p)
                 if n.startswith("preflight.http") and (str(p.relative_to(ENGINE)), n) != SERVE]
    assert not offenders


def test_the_import_check_sees_relative_imports():
    assert "preflight.http.serve" in imports(ENGINE / "cli.py")
