"""`classifier`: a learned model scores each sentence; a sentence at or above the threshold is a hit."""
from __future__ import annotations

from ..learned.linear import LazyModel
from ..report import Finding
from .base import Context, Hit


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
        wanted = [i for i, limit in enumerate(limits) if limit is not None]
        scores = model.score_many([text[sentences[i][0]:sentences[i][1]] for i in wanted], [sentences[i][2] for i in wanted])
        hits = []
        for index, score in zip(wanted, scores.tolist()):
            start, end, language = sentences[index]
            if score < limits[index]:
                continue
            sentence = text[start:end]
            lead = len(sentence) - len(sentence.lstrip())
            trail = len(sentence.rstrip())
            if lead < trail:
                hits.append(Hit(start + lead, start + trail, index, value=round(score, 3),
                                details=(("model", model.name), ("threshold", limits[index]),
                                         ("words", tuple(model.explain(sentence, language))))))
        return hits


def drop_shadowed(findings: list[Finding]) -> list[Finding]:
    """A learned finding adds nothing where a word rule of its pack already fired on an overlapping span."""
    lexical = [f for f in findings if f.score is None and f.span is not None]
    return [
        f for f in findings
        if f.score is None or f.span is None or not any(
            other.pack == f.pack and other.span.start < f.span.end and f.span.start < other.span.end for other in lexical
        )
    ]
