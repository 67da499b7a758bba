"""The grammar pack: LanguageTool's findings added to a report, or the reason they are missing."""
from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import replace

from ..report import Finding, Report, decide_verdict
from .breaker import CircuitBreaker
from .client import GrammarUnavailable, LanguageToolClient
from .findings import PACK, to_findings

# Longer texts are not sent: LanguageTool would take longer than the timeout, and a refusal is no outage.
MAX_CHARS = 20_000
SETTINGS = ("LANGUAGETOOL_TIMEOUT", "LANGUAGETOOL_FAILURES", "LANGUAGETOOL_COOLDOWN", "LANGUAGETOOL_ENGLISH")
VARIANTS = {"nl": "nl-NL", "da": "da-DK", "sv": "sv-SE", "de": "de-DE"}


class Grammar:
    """Adds the `grammar` pack's findings to reports; without a LanguageTool client it does nothing."""

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

    def extend(self, report: Report, text: str, brand=None) -> tuple[Report, list[dict]]:
        """`report` with grammar findings added and its verdict decided again, plus the `skipped` entries."""
        if self.client is None or not text.strip() or (brand is not None and PACK in brand.disabled_rules):
            return report, []
        if len(text) > MAX_CHARS:
            return report, [skipped(f"texts over {MAX_CHARS:,} characters are not sent to LanguageTool")]
        started = time.perf_counter()
        language = self.variants.get(report.language, report.language)
        try:
            answer = self.client.check(text, language)
        except GrammarUnavailable as exc:
            return report, [skipped(str(exc))]
        findings = [adjusted for f in to_findings(answer, text, report.language, report.sentences)
                    if (adjusted := for_brand(f, brand)) is not None]
        merged = sorted([*report.findings, *findings], key=Finding.sort_key)
        verdict = decide_verdict(merged, brand.block_on if brand else "block")
        elapsed = report.elapsed_ms + (time.perf_counter() - started) * 1000
        packs = [*report.packs, (PACK, f"languagetool-{answer.version}")]
        return replace(report, verdict=verdict, findings=merged, packs=packs, elapsed_ms=elapsed), []


def for_brand(finding: Finding, brand) -> Finding | None:
    """The finding after the profile's disabled rules and severity overrides, as for every other pack."""
    if brand is None:
        return finding
    if finding.rule in brand.disabled_rules:
        return None
    severity = brand.severity_overrides.get(finding.rule)
    if severity is None or severity == finding.severity:
        return finding
    return replace(finding, severity=severity)


def skipped(reason: str) -> dict:
    return {"check": PACK, "reason": reason}
