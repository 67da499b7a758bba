"""Grammar and spelling through a LanguageTool server (the `grammar` pack)."""
from preflight.grammar.breaker import CircuitBreaker
from preflight.grammar.check import Grammar
from preflight.grammar.client import GrammarUnavailable, LanguageToolClient

__all__ = ["CircuitBreaker", "Grammar", "GrammarUnavailable", "LanguageToolClient"]
