"""`classifier`: a learned model scores each sentence (and, where the rule asks, the whole post); at or above the threshold is a hit."""
from __future__ import annotations

from typing import NamedTuple

from preflight.learned.linear import LazyModel
from preflight.report import Finding
from preflight.matchers.base import Context, Hit


class Scored(NamedTuple):
    sentence: int  # the sentence a finding marks
    score: float
    threshold: float
    text: str  # what the model read: the sentence, or the post's sentences together
    language: str
    whole: bool


class ClassifierMatcher:
    """Thresholds come from the brand profile, else the rule, else the model's own calibration."""

    def __init__(self, model: LazyModel, threshold: float | dict[str, float] | None, rule_id: str,
                 whole_post: frozenset[str] = frozenset()) -> None:
        self.model = model
        self.threshold = threshold
        self.rule_id = rule_id
        # Languages whose posts are also scored as one text: hostility spread over two short sentences of a tweet
        # reads as ordinary talk sentence by sentence (docs/models.md, "The whole post").
        self.whole_post = whole_post

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

    def scored(self, text: str, sentences: list[tuple[int, int, str]], language: str, profile,
               covered: list[tuple[int, int]] = ()) -> list[Scored]:
        """Each sentence the model reads, and the post's sentences together where the post's language is scored whole.

        A sentence a word rule of this pack already flagged (`covered`) is not read: drop_shadowed would drop its finding.
        """
        model = self.model.get()
        limits = [self.threshold_for(lang, profile, model.thresholds) for _, _, lang in sentences]
        spans = [_trimmed(text, start, end) for start, end, _ in sentences]
        wanted = [i for i, limit in enumerate(limits)
                  if limit is not None and spans[i][0] < spans[i][1] and not any(a < spans[i][1] and spans[i][0] < b for a, b in covered)]
        texts = [text[spans[i][0]:spans[i][1]] for i in wanted]
        languages = [sentences[i][2] for i in wanted]
        thresholds = [limits[i] for i in wanted]
        whole_limit = self.threshold_for(language, profile, model.thresholds) if language in self.whole_post else None
        whole = whole_limit is not None and len(wanted) > 1
        if whole:
            texts.append(" ".join(texts))
            languages.append(language)
            thresholds.append(whole_limit)
        scores = model.score_many(texts, languages, thresholds).tolist()
        out = [Scored(*row, False) for row in zip(wanted, scores, thresholds, texts, languages)]
        if whole:
            # The finding marks the sentence that scores highest: a reader rewrites sentences, not posts.
            strongest = max(out, key=lambda row: row.score).sentence
            out.append(Scored(strongest, scores[-1], whole_limit, texts[-1], language, True))
        return out

    def find(self, ctx: Context) -> list[Hit]:
        if not self.model.available:
            return []
        model = self.model.get()
        post = ctx.post
        text = post.text
        hits = {}
        sentences = post.sentences or [(0, len(text), post.language)]
        for row in self.scored(text, sentences, post.language, ctx.profile, self._covered(ctx)):
            if row.score < row.threshold or row.sentence in hits:
                continue  # a sentence that fires alone is shown as itself, not again as part of the post
            start, end = _trimmed(text, *sentences[row.sentence][:2])
            hits[row.sentence] = Hit(start, end, row.sentence, value=round(row.score, 3),
                                     details=(("model", model.name), ("threshold", row.threshold))
                                     + (("scored", "whole post"),) * row.whole + model.reasons(row.text, row.language))
        return list(hits.values())

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
