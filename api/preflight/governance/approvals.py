"""Approval before publishing: an editor asks, named approvers decide, and only the approved post goes out.

An approval is for one exact post: its text (a changed comma needs a new approval), its images (by
hash), platform and profile, until it expires. Four eyes: the requester never approves their own
request. During crisis mode a post that is not an approved statement goes out only with the
approval of a key on the crisis team.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from preflight.governance.crisis import RULE as CRISIS_RULE, Crisis
from preflight.pipeline import Submission

APPROVAL_ID = re.compile(r"apr_[0-9a-f]{32}")
NOTE_MAX = 1000
COMMENT_MAX = 2000
TTL_HOURS_MAX = 168
DEFAULT_TTL_HOURS = 24
POLICIES = ("block", "warn", "never")
# Scopes whose keys may read and decide any request.
APPROVER_SCOPES = ("approve", "admin")


class ApprovalRefused(Exception):
    """A request or decision that cannot be made; `kind` says which way (not_found, forbidden, conflict, gone, invalid)."""

    def __init__(self, kind: str, code: str, message: str, findings: list | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.findings = findings


def new_id() -> str:
    return "apr_" + secrets.token_hex(16)


def image_hashes(submission: Submission) -> list[str]:
    """SHA-256 of each attached file, in order: an approval is for these exact images."""
    return [hashlib.sha256(image.data).hexdigest() for image in submission.images]


def approvers_needed(brand) -> int:
    return brand.approvers if brand is not None else 1


def current_state(approval: dict, now: datetime) -> str:
    """The state as of `now`: a pending or approved request past its deadline has expired."""
    if approval["state"] in ("pending", "approved") and approval["expires_at"] <= now:
        return "expired"
    return approval["state"]


def state_after(decisions: list[dict], needed: int) -> str:
    """One reject rejects; `needed` approvals of the current text from different keys approve; less stays pending."""
    if any(d["decision"] == "reject" for d in decisions):
        return "rejected"
    return "approved" if sum(d["decision"] == "approve" and d["current"] for d in decisions) >= needed else "pending"


def blocking_findings(findings: list[dict], crisis: bool) -> list[dict]:
    """The block findings of an edited text; crisis mode's own hold does not count on a crisis request."""
    return [f for f in findings if f["severity"] == "block" and not (crisis and f["rule"] == CRISIS_RULE)]


def binding(approval: dict, submission: Submission, report: dict, crisis: Crisis, now: datetime) -> dict:
    """The `approval` object of a check report: whether `approval` lets this exact post out now, and if not why."""
    state = current_state(approval, now)
    approvers = [d["by"] for d in approval["decisions"] if d["decision"] == "approve" and d["current"]]
    reason = {"pending": "pending", "rejected": "rejected", "expired": "expired"}.get(state)
    if reason is None:
        reason = mismatch(approval, submission)
    if reason is None and any(f["rule"] == CRISIS_RULE for f in report["findings"]):
        if not set(approvers) & set(crisis.team):
            reason = "crisis_team_needed"
    decided = approval["decisions"][-1] if approval["decisions"] else None
    return {
        "id": approval["id"], "state": state, "matches": reason is None, "approved_by": approvers,
        "approved_at": approval["decided_at"].isoformat() if state in ("approved", "expired") and approval["decided_at"] else None,
        "expires_at": approval["expires_at"].isoformat(), "comment": decided["comment"] if decided else None,
        "reason": reason,
    }


def mismatch(approval: dict, submission: Submission) -> str | None:
    """What differs between the approved post and this one, or None when it is the same post."""
    if submission.text != approval["text"]:
        return "text_changed"
    if image_hashes(submission) != approval["image_hashes"]:
        return "images_changed"
    if submission.platform != approval["platform"]:
        return "platform_changed"
    if submission.profile != approval["profile"]:
        return "profile_changed"
    return None


class ApprovalDesk:
    """Requests, decisions and binding, over the approvals store; `check` checks an edited text like any post.

    `notify(event, approval)` is told of every request created, decided or expired; it must not block.
    """

    def __init__(self, store, governance, check: Callable[[Submission], dict], profile_of: Callable[[str | None], object],
                 notify: Callable[[str, dict], None], ttl_hours: float = DEFAULT_TTL_HOURS) -> None:
        self.store = store
        self.governance = governance
        self.check = check
        self.profile_of = profile_of
        self.notify = notify
        self.ttl_hours = ttl_hours

    def request(self, submission: Submission, report: dict, requested_by: str, note: str = "",
                expires_in_hours: float | None = None) -> dict:
        """Store a request for the checked `submission` (its `report` as the API answers it)."""
        if report["verdict"] == "pass":
            raise ApprovalRefused("invalid", "nothing_to_approve", "the post passes: it needs no approval")
        if len(note) > NOTE_MAX:
            raise ApprovalRefused("invalid", "invalid_request", f"the note is {len(note)} characters; the limit is {NOTE_MAX}")
        hours = self.ttl_hours if expires_in_hours is None else expires_in_hours
        if not 0 < hours <= TTL_HOURS_MAX:
            raise ApprovalRefused("invalid", "invalid_request", f"expires_in_hours must be from 1 to {TTL_HOURS_MAX}")
        now = datetime.now(timezone.utc)
        approval = self.store.create_approval({
            "id": new_id(), "state": "pending", "text": submission.text, "language": report["language"],
            "platform": submission.platform, "profile": submission.profile, "context": submission.context,
            "image_hashes": image_hashes(submission), "findings": report["findings"], "verdict": report["verdict"],
            "note": note.strip(), "requested_by": requested_by, "requested_at": now,
            "expires_at": now + timedelta(hours=hours), "approvers_needed": approvers_needed(self.profile_of(submission.profile)),
            "crisis": any(f["rule"] == CRISIS_RULE for f in report["findings"]),
        })
        self.notify("created", approval)
        return approval

    def get(self, approval_id: str) -> dict:
        """The request as of now (its expiry observed); ApprovalRefused when there is none."""
        approval = self.store.approval(approval_id) if APPROVAL_ID.fullmatch(approval_id or "") else None
        if approval is None:
            raise ApprovalRefused("not_found", "approval_not_found", f"no approval {approval_id[:60]!r}")
        return self.observe(approval)

    def observe(self, approval: dict) -> dict:
        """`approval` with its expiry applied: the first to see it expired stores it and tells the webhooks."""
        if current_state(approval, datetime.now(timezone.utc)) == "expired" and approval["state"] != "expired":
            if self.store.mark_expired(approval["id"]):
                self.notify("expired", {**approval, "state": "expired"})
            approval = {**approval, "state": "expired"}
        return approval

    def expire_due(self) -> int:
        """Store every request past its deadline as expired (and tell the webhooks); how many."""
        expired = self.store.expire_due(datetime.now(timezone.utc))
        for approval in expired:
            self.notify("expired", approval)
        return len(expired)

    def listing(self, state: str | None, limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
        self.expire_due()
        return self.store.list_approvals(state, limit, cursor)

    def decide(self, approval_id: str, by: str, decision: str, comment: str = "", text: str | None = None,
               add_to_statements: bool = False) -> dict:
        """Record one approver's decision; an edited `text` is checked again and replaces the request's."""
        approval = self.get(approval_id)
        if by == approval["requested_by"]:
            raise ApprovalRefused("forbidden", "own_request", "four eyes: the key that asked for an approval cannot give it")
        if approval["state"] == "expired":
            raise ApprovalRefused("gone", "expired", f"the request expired at {approval['expires_at']:%Y-%m-%d %H:%M} UTC: "
                                  "ask for a new approval")
        if approval["state"] != "pending":
            raise ApprovalRefused("conflict", "already_decided", f"the request is already {approval['state']}")
        if len(comment) > COMMENT_MAX:
            raise ApprovalRefused("invalid", "invalid_request", f"the comment is {len(comment)} characters; the limit is {COMMENT_MAX}")
        crisis = self.governance.crisis()
        if approval["crisis"] and decision == "approve" and by not in crisis.team:
            raise ApprovalRefused("forbidden", "not_crisis_team", "this post is held by crisis mode: only a key on the "
                                  "crisis team may approve it")
        if add_to_statements and (decision != "approve" or not crisis.active):
            raise ApprovalRefused("invalid", "invalid_request", "add_to_statements needs an approval while crisis mode is on")
        edited = self.edited(approval, text) if text is not None and text != approval["text"] and decision == "approve" else None
        decided = self.store.record_decision(approval["id"], by, decision, comment.strip(), datetime.now(timezone.utc), edited)
        if decided is None:
            raise ApprovalRefused("conflict", "already_decided", "the request was decided or changed meanwhile, or this "
                                  "key has already decided it: look at it again")
        if add_to_statements and decided["state"] == "approved":
            statements = tuple(dict.fromkeys((*crisis.approved_statements, decided["text"].strip())))
            self.governance.set_crisis(True, crisis.message, statements, by)
        self.notify("decided", decided)
        return decided

    def edited(self, approval: dict, text: str) -> dict:
        """The request's fields for an approver's edit of the text: checked again, and refused when it blocks."""
        if not text.strip():
            raise ApprovalRefused("invalid", "invalid_request", "the edited text is empty")
        submission = Submission(text, approval["language"], approval["platform"], approval["profile"], approval["context"])
        report = self.check(submission)
        blocking = blocking_findings(report["findings"], approval["crisis"])
        if blocking:
            raise ApprovalRefused("invalid", "edited_text_blocked", "the edited text is blocked: "
                                  + "; ".join(dict.fromkeys(f["message"] for f in blocking)), report["findings"])
        # The images did not change: their findings stay beside the edited text's.
        kept = [f for f in approval["findings"] if f.get("image") is not None]
        return {"text": text, "findings": report["findings"] + kept, "verdict": report["verdict"]}

    def bind(self, approval_id: str, submission: Submission, report: dict, key) -> dict:
        """The report's `approval` object; an id that is unknown (or another editor's, for a check key) is refused."""
        approval = self.get(approval_id)
        if not may_read(approval, key):
            raise ApprovalRefused("not_found", "approval_not_found", f"no approval {approval_id[:60]!r}")
        return binding(approval, submission, report, self.governance.crisis(), datetime.now(timezone.utc))


def public(approval: dict) -> dict:
    """The request as the API and the command line show it (its keyed text hash is for the audit trail only)."""
    out = {name: approval[name] for name in ("id", "state", "text", "language", "platform", "profile", "image_hashes",
                                             "findings", "verdict", "note", "requested_by")}
    return {**out, "requested_at": approval["requested_at"].isoformat(), "expires_at": approval["expires_at"].isoformat(),
            "decided_at": approval["decided_at"].isoformat() if approval["decided_at"] else None,
            "approvers_needed": approval["approvers_needed"], "crisis": approval["crisis"],
            "decisions": [{**d, "at": d["at"].isoformat()} for d in approval["decisions"]]}


def may_read(approval: dict, key) -> bool:
    """The requesting key, and approvers, may read a request; for anyone else it does not exist."""
    return key.name == approval["requested_by"] or key.scope in APPROVER_SCOPES
