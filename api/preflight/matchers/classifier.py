"""`classifier`: a learned model scores each sentence; a sentence at or above the threshold is a hit."""
from __future__ import annotations

from preflight.learned.linear import LazyModel
from preflight.report import Finding
from preflight.matchers.base import Context, Hit


class ClassifierMatcher:
    """Thresholds come from the brand profile, else the rule, else the model's own calibration."""

    def __init__(self, model: LazyModel, threshold: float | dict[str, float] | None, rule_id: str) -> None:
        self.model = model
        self.threshold = threshold
        self.rule_id = rule_id

    def triggers(self) -> None:
        return None

    def threshold_for(self, language: str, profile, calibrated: dict[str, float]) -> float | None:
        for source in (getattr(profile, "thresholds", {}).get(self.rule_id), self.threshold):
            if isinstance(source, dict):
                if language in source or "default" in source:
                    return source.get(language, source.get("default"))
            elif source is not None:
                return source
        return calibrated.get(language)

    def find(self, ctx: Context) -> list[Hit]:
        if not self.model.available:
            return []
        model = self.model.get()
        post = ctx.post
        text = post.text
        sentences = post.sentences or [(0, len(text), post.language)]
        limits = [self.threshold_for(language, ctx.profile, model.thresholds) for _, _, language in sentences]
        spans = [_trimmed(text, start, end) for start, end, _ in sentences]
        covered = self._covered(ctx)
        # A sentence a word rule of this pack already flagged would be dropped by drop_shadowed: not scored at all.
        wanted = [i for i, limit in enumerate(limits)
                  if limit is not None and spans[i][0] < spans[i][1] and not any(a < spans[i][1] and spans[i][0] < b for a, b in covered)]
        scores = model.score_many([text[spans[i][0]:spans[i][1]] for i in wanted], [sentences[i][2] for i in wanted],
                                  [limits[i] for i in wanted])
        hits = []
        for index, score in zip(wanted, scores.tolist()):
            if score < limits[index]:
                continue
            start, end = spans[index]
            language = sentences[index][2]
            hits.append(Hit(start, end, index, value=round(score, 3),
                            details=(("model", model.name), ("threshold", limits[index])) + model.reasons(text[start:end], language)))
        return hits

    def _covered(self, ctx: Context) -> list[tuple[int, int]]:
        """Spans of this pack's word findings made before this rule ran, unless the brand switched their rule off."""
        pack = self.rule_id.split("/", 1)[0]
        disabled = set(getattr(ctx.profile, "disabled_rules", ()) or ())
        return [(f.span.start, f.span.end) for f in ctx.found
                if f.pack == pack and f.score is None and f.span is not None and f.rule not in disabled and f.pack not in disabled]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence without the white space around it: the span a finding shows."""
    sentence = text[start:end]
    return start + len(sentence) - len(sentence.lstrip()), start + len(sentence.rstrip())


def drop_shadowed(findings: list[Finding]) -> list[Finding]:
    """A learned finding adds nothing where a word rule of its pack already fired on an overlapping span."""
    lexical = [f for f in findings if f.score is None and f.span is not None]
    return [
        f for f in findings
        if f.score is None or f.span is None or not any(
            other.pack == f.pack and other.span.start < f.span.end and f.span.start < other.span.end for other in lexical
        )
    ]
