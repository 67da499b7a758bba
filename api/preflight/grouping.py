"""One finding per problem: a rule that fires several times in one sentence with the same fix is one finding."""
from __future__ import annotations

import bisect
from dataclasses import replace

from preflight.report import Finding


def one_per_problem(findings: list[Finding], sentences: list[tuple[int, int, str]]) -> list[Finding]:
    """`findings` (sorted by position) with repeats merged into their first: same rule, severity and suggestions
    in the same sentence of the post. The merged finding keeps the first message (messages quote the words they
    found; the spans show the others) and every span, in order, in `spans`. Different suggestions stay apart:
    each is a different fix.

    Findings about images, alt or OCR text and learned scores stay as they are: each says something of its own.
    """
    starts = [start for start, _, _ in sentences]
    merged: dict[tuple, int] = {}
    out: list[Finding] = []
    for finding in findings:
        if finding.span is None or finding.image is not None or finding.score is not None:
            out.append(finding)
            continue
        sentence = bisect.bisect_right(starts, finding.span.start) - 1
        key = (finding.rule, finding.severity, finding.suggestions, sentence)
        first = merged.get(key)
        if first is None:
            merged[key] = len(out)
            out.append(finding)
            continue
        kept = out[first]
        out[first] = replace(kept, spans=(*(kept.spans or (kept.span,)), finding.span))
    return out
