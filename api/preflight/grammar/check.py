"""The grammar pack: LanguageTool's findings about a post, or the reason they are missing."""
from __future__ import annotations

import os
from collections.abc import Mapping

from preflight.pipeline import Found, Job
from preflight.grammar.breaker import CircuitBreaker
from preflight.grammar.client import GrammarUnavailable, LanguageToolClient
from preflight.grammar.findings import PACK, to_findings

# Longer texts are not sent: LanguageTool would take longer than the timeout, and a refusal is no outage.
MAX_CHARS = 20_000
SETTINGS = ("LANGUAGETOOL_TIMEOUT", "LANGUAGETOOL_FAILURES", "LANGUAGETOOL_COOLDOWN", "LANGUAGETOOL_ENGLISH")
VARIANTS = {"nl": "nl-NL", "da": "da-DK", "sv": "sv-SE", "de": "de-DE"}


class Grammar:
    """The `grammar` pack as a source of findings; without a LanguageTool client it finds nothing."""

    def __init__(self, client: LanguageToolClient | None, english: str = "en-GB") -> None:
        self.client = client
        self.variants = {**VARIANTS, "en": english}

    @classmethod
    def from_config(cls, config: Mapping) -> Grammar:
        """From LANGUAGETOOL_URL (unset: grammar off), LANGUAGETOOL_TIMEOUT, _FAILURES, _COOLDOWN and _ENGLISH."""
        url = config.get("LANGUAGETOOL_URL")
        if not url:
            return cls(None)
        breaker = CircuitBreaker(int(config.get("LANGUAGETOOL_FAILURES", 3)), float(config.get("LANGUAGETOOL_COOLDOWN", 30.0)))
        client = LanguageToolClient(url, float(config.get("LANGUAGETOOL_TIMEOUT", 0.5)), breaker)
        return cls(client, str(config.get("LANGUAGETOOL_ENGLISH", "en-GB")))

    @classmethod
    def from_environment(cls, environ: Mapping = os.environ) -> Grammar:
        """As the API configures it: LANGUAGETOOL_URL and PREFLIGHT_LANGUAGETOOL_* (for the command line)."""
        config = {key: environ[f"PREFLIGHT_{key}"] for key in SETTINGS if f"PREFLIGHT_{key}" in environ}
        return cls.from_config({**config, "LANGUAGETOOL_URL": environ.get("LANGUAGETOOL_URL")})

    @property
    def enabled(self) -> bool:
        return self.client is not None

    def __call__(self, job: Job) -> Found:
        """The grammar pack's findings for a post being checked, or the reason they are missing."""
        text, brand = job.submission.text, job.brand
        if self.client is None or not text.strip() or (brand is not None and PACK in brand.disabled_rules):
            return Found()
        if len(text) > MAX_CHARS:
            return Found(skipped=[skipped(f"texts over {MAX_CHARS:,} characters are not sent to LanguageTool")])
        try:
            answer = self.client.check(text, self.variants.get(job.language, job.language))
        except GrammarUnavailable as exc:
            return Found(skipped=[skipped(str(exc))])
        return Found(to_findings(answer, text, job.language, job.sentences), packs=[(PACK, f"languagetool-{answer.version}")])


def skipped(reason: str) -> dict:
    return {"check": PACK, "reason": reason}
