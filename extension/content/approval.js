// What an approval means for a composer: the API compares the request with the current post on every check
// (report.approval), so the gate and the badge read only that answer, never a state of their own.
preflight.approval = (() => {
  /** An approver approved exactly this post (text, images, platform, profile): it may go out whatever was found. */
  function covers(report) {
    return Boolean(report && report.approval && report.approval.matches === true);
  }

  /**
   * The gate dialog offers "Request approval" when the profile asks for an approval for this verdict, or when
   * the post is blocked (or paused by crisis mode) and the API takes approval requests (it reports approval_required).
   */
  function offered(kind, reports) {
    if (reports.some((r) => r.approval_required === true)) return true;
    return (kind === "block" || kind === "crisis") && reports.some((r) => typeof r.approval_required === "boolean");
  }

  /** Publishing anyway with a reason stays possible unless the profile wants an approval instead. */
  function overridable(reports) {
    return !reports.some((r) => r.approval_required === true);
  }

  /**
   * The request's standing for the current text: "approved", "waiting", "rejected", "expired", "changed"
   * (the text is no longer the one asked about: a new request is needed) or null when none was made.
   */
  function standing(report) {
    const asked = report && report.approval;
    if (!asked) return null;
    if (asked.matches === true) return "approved";
    if (/_changed$/.test(asked.reason || "")) return "changed";
    if (asked.reason === "crisis_team_needed") return "crisisTeam";
    if (asked.state === "pending") return "waiting";
    if (asked.state === "rejected") return "rejected";
    if (asked.state === "expired") return "expired";
    return null;
  }

  /**
   * The report's approval object as it applies to `text`, the text checked: the API compares the post only once a
   * request is approved, so a pending (or rejected) request the editor has since edited away is marked text_changed here.
   */
  function effective(reported, asked, text) {
    if (!reported) return null;
    const other = reported.state !== "approved" && asked && asked.id === reported.id && typeof asked.text === "string" &&
      typeof text === "string" && asked.text !== text;
    return other ? { ...reported, reason: "text_changed" } : reported;
  }

  const BADGES = { approved: "Approved", waiting: "Waiting", rejected: "Rejected", expired: "Expired" };

  /** The badge for a composer whose request stands for its text, or null to show the verdict as usual. */
  function badge(report) {
    const name = BADGES[standing(report)];
    if (!name) return null;
    const { t } = preflight.ui;
    // a rejection's comment is the editor's next step: it is in the badge's label and tooltip, not only behind Publish
    const subs = name === "Rejected" ? [report.approval.comment || "—"] : undefined;
    return { cls: `approval-${name.toLowerCase()}`, text: t(`badgeApproval${name}`), label: t(`badgeApproval${name}Label`, subs) };
  }

  return { covers, offered, overridable, standing, effective, badge };
})();
