"""One finding per problem: repeats of a rule in one sentence, with the same fix, are one finding with several spans."""
from __future__ import annotations

from preflight.grouping import one_per_problem
from preflight.report import Finding, Span

TEXT = "Calm down, calm down, it is on its way. Calm down."
SENTENCES = [(0, 39, TEXT[:39]), (40, 50, TEXT[40:])]
RULE = "brand-tone/defensive-reply"
FIX = ("We're sorry this happened. Could you send us a DM so we can sort it out?",)


def hit(start: int, end: int, rule: str = RULE, suggestions: tuple = FIX, **extra) -> Finding:
    return Finding(rule=rule, pack=rule.split("/")[0], severity="warning", message=f"“{TEXT[start:end]}” sounds defensive",
                   span=Span(start, end, TEXT[start:end]), suggestions=suggestions, **extra)


def test_repeats_in_one_sentence_become_one_finding_with_every_span_in_order():
    merged = one_per_problem([hit(0, 9), hit(11, 20), hit(40, 49)], SENTENCES)
    assert len(merged) == 2, "the next sentence is a problem of its own"
    assert [(s.start, s.end) for s in merged[0].spans] == [(0, 9), (11, 20)] and merged[0].span == Span(0, 9, "Calm down")
    assert merged[0].to_dict()["spans"][1] == {"start": 11, "end": 20, "text": "calm down"}
    assert "spans" not in merged[1].to_dict(), "a single place keeps the wire format as it was"


def test_different_rules_fixes_and_image_findings_stay_apart():
    other_fix = hit(11, 20, suggestions=("Thanks for your patience",))
    other_rule = hit(11, 20, rule="brand-tone/dismissive-reply")
    image = Finding(rule=RULE, pack="brand-tone", severity="warning", message="m", span=Span(0, 9, "Calm down"),
                    suggestions=FIX, image=0, source="alt")
    kept = one_per_problem([hit(0, 9), other_fix, other_rule, image], SENTENCES)
    assert len(kept) == 4 and all(not f.spans for f in kept)


def test_the_api_reports_a_repeated_defensive_phrase_once(client, keys):
    body = client.post("/v1/check", json={"text": TEXT, "language": "en", "context": "reply"},
                       headers={"Authorization": f"Bearer {keys['check']}"}).get_json()
    defensive = [f for f in body["findings"] if f["rule"] == RULE]
    assert len(defensive) == 2
    assert [s["text"] for s in defensive[0]["spans"]] == ["Calm down", "calm down"]
