"""preflight: checks brand social media posts before they are published."""
from .checker import Checker
from .errors import InputError, PackError, PreflightError
from .report import Finding, Report, Span

__all__ = ["Checker", "Finding", "InputError", "PackError", "PreflightError", "Report", "Span"]
__version__ = "0.1.0"
