"""Grammar and spelling through a LanguageTool server (the `grammar` pack)."""
from .breaker import CircuitBreaker
from .check import Grammar
from .client import GrammarUnavailable, LanguageToolClient

__all__ = ["CircuitBreaker", "Grammar", "GrammarUnavailable", "LanguageToolClient"]
