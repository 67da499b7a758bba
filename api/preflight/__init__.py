"""preflight: checks brand social media posts before they are published."""
from preflight.errors import InputError, PackError, PreflightError

__all__ = ["Checker", "Finding", "InputError", "PackError", "PreflightError", "Report", "Span", "Submission", "check_post"]
__version__ = "0.1.0"

# Imported on first use: `import preflight` (every command, every worker) must not load spaCy.
_LAZY = {"Checker": "checker", "Finding": "report", "Report": "report", "Span": "report", "Submission": "pipeline",
         "check_post": "pipeline"}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'preflight' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
