"""The engine is a library: no module of it imports the web framework, and only `preflight serve` starts the server."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1] / "api" / "preflight"
WEB_MODULES = {"flask", "werkzeug", "gunicorn"}
# The one way from the command line into the HTTP package: `preflight serve` starts it.
SERVE = ("preflight.cli", "preflight.http.serve")
# The command line and its subcommands, by module name: each must be among the modules checked below.
CLI = ["preflight.cli", "preflight.cli.governance", "preflight.cli.images", "preflight.cli.impact", "preflight.cli.render",
       "preflight.scan", "preflight.cli.keys"]
# A module named in a string (importlib.import_module, mock.patch) is imported all the same.
NAMED = re.compile(r"preflight(\.\w+)+")


def module_name(path: Path) -> str:
    parts = ["preflight", *path.relative_to(ENGINE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, name: str | None = None) -> list[str]:
    """Absolute names of every module `path` (the module `name`) imports or names in a string, relative imports resolved."""
    name = name or module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names += [module] if node.module else [f"{module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and NAMED.fullmatch(node.value):
            names.append(node.value)
    return names


def engine_modules() -> dict[str, Path]:
    """Every module outside the HTTP package, by name: the engine and the command line."""
    return {module_name(p): p for p in ENGINE.rglob("*.py") if "http" not in p.relative_to(ENGINE).parts}


def http_imports(modules: list[str]) -> list[str]:
    paths = engine_modules()
    return [f"{name}: {n}" for name in modules for n in imports(paths[name])
            if n.split(".")[:2] == ["preflight", "http"] and (name, n) != SERVE]


def test_no_engine_module_imports_flask():
    offenders = [f"{name}: {n}" for name, p in engine_modules().items() for n in imports(p) if n.split(".")[0] in WEB_MODULES]
    assert not offenders


def test_the_engine_does_not_import_the_http_package():
    assert not http_imports(sorted(engine_modules()))


def test_the_command_line_does_not_import_the_http_package_except_to_serve():
    assert set(CLI) <= set(engine_modules()), "a command-line module moved: update CLI"
    assert not http_imports(CLI)


def test_the_import_check_sees_relative_imports_and_named_modules(tmp_path):
    assert SERVE[1] in imports(engine_modules()[SERVE[0]])
    sample = tmp_path / "sample.py"
    sample.write_text('from .http import app\nimport importlib\nimportlib.import_module("preflight.http.views_check")\n',
                      encoding="utf-8")
    # Read as a module at the package root: its relative import names the HTTP package.
    assert {"preflight.http", "preflight.http.views_check"} <= set(imports(sample, "preflight.sample"))
