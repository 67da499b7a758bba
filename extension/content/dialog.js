// The gate's modal dialogs: focus moves in, stays in (Tab wraps), Escape goes back, focus returns after.
preflight.dialog = (() => {
  const { ui } = preflight;
  const { t, el } = ui;

  const FOCUSABLE = 'button:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

  function trapFocus(box, onEscape) {
    box.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        onEscape();
        return;
      }
      if (event.key !== "Tab") return;
      const items = [...box.querySelectorAll(FOCUSABLE)].filter((n) => !n.closest("[hidden]"));
      if (!items.length) return;
      const active = box.getRootNode().activeElement;
      const first = items[0];
      const last = items[items.length - 1];
      if (event.shiftKey && (active === first || !box.contains(active))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (active === last || !box.contains(active))) {
        event.preventDefault();
        first.focus();
      }
    });
  }

  function findingList(findings) {
    const list = el("ul");
    for (const f of findings) {
      list.append(el("li", {}, el("strong", { text: `${f.title || f.rule}: ` }), document.createTextNode(f.message + " "), el("code", { text: f.rule })));
    }
    return list;
  }

  /**
   * Shows a gate dialog and resolves to "publish" or "back". `kind` is block, crisis, unchecked or warn;
   * for all but warn, publishing asks for a reason and `record(reason)` must resolve to
   * {ok: true} (or {ok: false, message}) before the dialog lets go. In crisis mode `crisis` is the API's
   * policy: without publish_anyway only Go back is offered; with it, the reason needs reason_min_chars.
   * `approval` ({offered, overridable, asked, request(note)}) adds "Request approval" with a note, says where an
   * earlier request stands, and drops "Publish anyway" when the profile wants an approval instead of a reason.
   */
  function open({ kind, findings, crisisMessages = [], crisis = null, problem = null, record = null, returnFocus = null,
    approval = null }) {
    return new Promise((resolve) => {
      const layer = ui.root();
      const titleId = "preflight-gate-title";
      const descId = "preflight-gate-desc";
      const box = el("div", { class: `dialog kind-${kind}`, role: "alertdialog", "aria-modal": "true", "aria-labelledby": titleId, "aria-describedby": descId });
      const backdrop = el("div", { class: "backdrop", "data-preflight-gate": kind }, box);
      const titles = { crisis: t("gateCrisisTitle"), block: t("gateBlockTitle"), unchecked: t("gateUncheckedTitle") };
      const intros = { crisis: t("gateCrisisIntro"), block: t("gateBlockIntro"), unchecked: t("gateUncheckedIntro") };
      box.append(el("h2", { id: titleId, text: titles[kind] || t("gateWarnTitle", [String(findings.length)]) }));
      box.append(el("p", { id: descId, text: intros[kind] || t("gateWarnIntro") }));
      if (kind === "unchecked") box.append(el("p", { class: "note", text: ui.problemHint(problem) }));
      for (const message of crisisMessages) box.append(el("p", { class: "crisis", text: message }));
      const listed = findings.filter((f) => f.pack !== "crisis");
      if (listed.length) box.append(findingList(listed));

      const needsReason = kind !== "warn";
      const crisisHeld = kind === "crisis" && !(crisis && crisis.publish_anyway);
      const standing = approval && approval.asked ? preflight.approval.standing({ approval: approval.asked }) : null;
      if (standing) box.append(el("p", { class: `approval-status standing-${standing}`, text: standingText(standing, approval.asked) }));
      if (standing === "changed" && approval.asked.approvedText) {
        box.append(el("p", { class: "note", text: t("approvalApprovedText") }), el("blockquote", { class: "approved-text", text: approval.asked.approvedText }));
      }
      // an editor may not overrule what the profile gives to approvers
      const overridable = !approval || approval.overridable;
      const minimum = kind === "crisis" && crisis ? Math.max(3, crisis.reason_min_chars || 0) : 3;
      if (crisisHeld) box.append(el("p", { class: "note", text: t("gateCrisisOnlyApproved") }));
      const reasonId = "preflight-gate-reason";
      const errorLine = el("p", { class: "error", role: "alert" });
      const reason = el("textarea", { id: reasonId, "aria-required": "true", "aria-describedby": "preflight-gate-error", maxlength: "2000" });
      errorLine.id = "preflight-gate-error";
      const reasonBox = el("div", { class: "reason", hidden: true }, el("label", { for: reasonId, text: kind === "crisis" ? t("gateCrisisReasonLabel", [String(minimum)]) : t("gateReasonLabel") }),
        reason, errorLine);
      if (needsReason && !crisisHeld && overridable) box.append(reasonBox);
      reason.addEventListener("input", () => (errorLine.textContent = ""));
      const asking = approval && approval.offered && standing !== "waiting";
      const noteId = "preflight-gate-note";
      const note = el("textarea", { id: noteId, maxlength: "1000", "aria-describedby": "preflight-gate-request-error" });
      const requestError = el("p", { class: "error", role: "alert", id: "preflight-gate-request-error" });
      const noteBox = el("div", { class: "reason", hidden: true }, el("label", { for: noteId, text: t("approvalNoteLabel") }), note, requestError);
      if (asking) box.append(noteBox);

      const close = (choice) => {
        backdrop.remove();
        if (returnFocus && returnFocus.isConnected) returnFocus.focus({ preventScroll: true });
        resolve(choice);
      };
      const back = el("button", { type: "button", class: "primary", text: kind === "warn" ? t("gateWarnBack") : t("gateBack"), onclick: () => close("back") });
      const publishLabel = kind === "warn" ? t("gateWarnPublish") : kind === "unchecked" ? t("gateUncheckedPublish") : t("gatePublishAnyway");
      const publish = el("button", { type: "button", class: needsReason ? "danger" : "", text: publishLabel });
      const request = el("button", { type: "button", class: "request", text: t("approvalRequest") });
      request.addEventListener("click", async () => {
        if (noteBox.hidden) {
          noteBox.hidden = false;
          reasonBox.hidden = true;
          giving = false;
          publish.textContent = publishLabel;
          request.textContent = t("approvalSend");
          note.focus();
          return;
        }
        request.disabled = true;
        requestError.textContent = "";
        const result = await approval.request(note.value.trim());
        request.disabled = false;
        if (result.ok) return close("requested");
        requestError.textContent = result.message;
      });
      let giving = false;
      publish.addEventListener("click", async () => {
        if (!needsReason) {
          // a warning does not hold the post: its confirmation is recorded, and a failure to record it is not the editor's to fix
          if (record) await record(null).catch(() => null);
          return close("publish");
        }
        if (!giving) {
          giving = true;
          noteBox.hidden = true;
          request.textContent = t("approvalRequest");
          reasonBox.hidden = false;
          publish.textContent = t("gateRecordAndPublish");
          reason.focus();
          return;
        }
        const text = reason.value.trim();
        if (text.length < minimum) {
          // "ok" is refused like an empty box, but the editor is told the minimum and what a reason worth reading says
          errorLine.textContent = text ? t("gateReasonTooShort", [String(minimum)]) : t("gateReasonMissing");
          reason.focus();
          return;
        }
        publish.disabled = true;
        errorLine.textContent = "";
        const result = await record(text);
        publish.disabled = false;
        if (result.ok) return close("publish");
        errorLine.textContent = result.message;
      });
      const buttons = [...(crisisHeld || !overridable ? [] : [publish]), ...(asking ? [request] : []), back];
      box.append(el("div", { class: "actions" }, ...buttons));
      trapFocus(box, () => close("back"));
      layer.append(backdrop);
      back.focus();
    });
  }

  /** Where the editor's approval request stands, for this text; a rejection carries the approver's comment. */
  function standingText(standing, asked) {
    if (standing === "rejected") {
      const by = (asked.decisions || []).filter((d) => d.decision === "reject").map((d) => d.by).join(", ");
      return asked.comment ? t("approvalRejectedComment", [by || "—", asked.comment]) : t("approvalRejected");
    }
    return t({ waiting: "approvalWaiting", changed: "approvalChanged", expired: "approvalExpired", crisisTeam: "approvalCrisisTeam" }[standing]);
  }

  return { open };
})();
