// One composer being watched: its text, the latest answer for it, and what is drawn over it.
preflight.Session = (() => {
  const { ext, MSG, offsets, scheduling, textmap, geometry, images, ui, approval } = preflight;
  let counter = 0;
  // the composer that asked for each approval request, for the worker's news about it
  const askers = new Map();

  ext.runtime.onMessage.addListener((msg) => {
    if (!msg || msg.type !== MSG.APPROVAL_CHANGED || !msg.approval) return;
    const session = askers.get(msg.approval.id);
    if (session) session.approvalChanged(msg.approval);
  });

  /** The message to the worker; a dead extension context (after an update) reads as offline. */
  async function send(message) {
    try {
      return (await ext.runtime.sendMessage(message)) || { ok: false, offline: true, reason: "extension" };
    } catch {
      return { ok: false, offline: true, reason: "extension" };
    }
  }

  /**
   * Findings drawn in the composer: text findings with a span. Image, alt and OCR ones go to the
   * panel only, and so does crisis mode, whose span is the whole post.
   */
  function underlined(finding) {
    return Boolean(finding.span) && finding.pack !== "crisis" &&
      (finding.source === undefined || finding.source === null || finding.source === "text");
  }

  class Session {
    constructor(composer, adapter, hooks) {
      this.id = ++counter;
      // One draft per composer session: reports count a rule once per draft, however often it is re-checked.
      this.draftId = crypto.randomUUID();
      this.composer = composer;
      this.adapter = adapter;
      this.hooks = hooks;
      this.state = "idle";
      this.report = null;
      this.checkedText = null;
      this.attached = [];
      // the latest approval request for this composer, as the worker last fetched it; each check sends its id
      this.asked = null;
      this.imageSignature = "";
      this.layout = [];
      this.group = ui.group();
      this.underlines = ui.el("div");
      this.badge = ui.el("button", { type: "button", class: "badge", "aria-haspopup": "dialog", "aria-expanded": "false" });
      this.badge.addEventListener("click", () => hooks.togglePanel(this));
      this.group.append(this.underlines, this.badge);
      this.mirror = null;
      this.request = scheduling.latestOnly((message) => send(message));
      this.schedule = scheduling.debounce(() => this.check(), () => scheduling.pauseAfter(this.typedBefore()));
      this.onInput = () => {
        this.schedule();
        this.draw();
      };
      composer.addEventListener("input", this.onInput);
      // editors that render their own DOM (Lexical, Draft.js) do not always fire input events
      this.observer = new MutationObserver(this.onInput);
      this.observer.observe(composer, { characterData: true, childList: true, subtree: true });
      composer.addEventListener("focus", () => this.state === "idle" && this.schedule());
      this.render();
      if (this.readText().trim()) this.schedule();
    }

    readText() {
      return this.adapter.isPlain(this.composer) ? this.composer.value : textmap.extract(this.composer).text;
    }

    /** The character just before the caret: what the editor typed last ("" at the start of a line). */
    typedBefore() {
      const composer = this.composer;
      if (this.adapter.isPlain(composer)) return composer.value.slice(0, composer.selectionStart).slice(-1);
      const selection = getSelection();
      const node = selection && selection.focusNode;
      if (!node || !composer.contains(node)) return this.readText().slice(-1);
      return node.nodeType === Node.TEXT_NODE ? node.data.slice(0, selection.focusOffset).slice(-1) : "";
    }

    /** The boxes of the composer's lines of text, which the badge must not cover. */
    textRects() {
      if (this.adapter.isPlain(this.composer)) return this.composer.value ? this.rectsFor(0, this.composer.value.length) : [];
      const rects = [];
      const range = document.createRange();
      const walker = document.createTreeWalker(this.composer, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.data.trim()) continue;
        range.selectNodeContents(node);
        rects.push(...range.getClientRects());
      }
      return rects;
    }

    publishButton() {
      return this.adapter.findPublish(this.composer);
    }

    /** What the gate needs: the report, whether it is for the current text, and whether the API answered. */
    gateState() {
      const current = this.readText();
      // only a result for exactly this text counts: an unchecked edit (an applied suggestion too) is checked first
      const stale = this.schedule.pending() || this.state === "checking" || (current.trim() !== "" && current !== this.checkedText);
      return { report: this.report, offline: this.state === "offline", problem: this.problem, stale, asked: this.asked,
        checkedText: this.checkedText };
    }

    /** Asks an approver to approve the post as it is now, with the editor's note; {ok} or {ok: false, message}. */
    async requestApproval(note) {
      const answer = await send({
        type: MSG.REQUEST_APPROVAL, text: this.readText(), platform: this.adapter.platform, ...this.adapter.replyTo(this.composer),
        images: this.attached.map(({ data, name, alt }) => ({ data, name, alt })), note, replaces: this.asked ? this.asked.id : null,
      });
      if (!answer.ok) {
        const said = answer.error && answer.error.message ? answer.error.message : ui.problemHint(answer.problem || "offline");
        return { ok: false, message: ui.t("approvalRequestFailed", [said]) };
      }
      if (this.asked) askers.delete(this.asked.id);
      this.asked = answer.approval;
      askers.set(this.asked.id, this);
      // the check with the request's id is what tells the badge and the gate where it stands
      await this.checkNow();
      return { ok: true };
    }

    /** The worker saw the request decided (or expired): check again, which says whether this text may go out. */
    approvalChanged(asked) {
      if (!this.asked || this.asked.id !== asked.id) return;
      this.asked = asked;
      this.checkNow();
    }

    /** Checks now, cancelling a scheduled check. */
    checkNow() {
      this.schedule.cancel();
      return this.check();
    }

    async check() {
      const text = this.readText();
      const previews = this.adapter.findImages(this.composer);
      this.imageSignature = images.signature(previews);
      this.attached = await images.collect(previews);
      if (!text.trim() && !this.attached.length) {
        this.request.supersede();
        Object.assign(this, { state: "idle", report: null, checkedText: text });
        this.render();
        return;
      }
      this.state = "checking";
      this.render();
      const answer = await this.request({
        type: MSG.CHECK, composer: this.id, draft: this.draftId, text, platform: this.adapter.platform, ...this.adapter.replyTo(this.composer),
        approvalId: this.asked ? this.asked.id : null,
        images: this.attached.map(({ data, name, alt }) => ({ data, name, alt })),
      });
      if (answer.stale || answer.cancelled) return;
      if (answer.approvalGone && this.asked) {
        askers.delete(this.asked.id);
        this.asked = null;
      }
      if (answer.ok) {
        Object.assign(this, { state: "ready", report: answer.report, checkedText: text, problem: null });
      } else {
        Object.assign(this, { state: "offline", report: null, checkedText: text, problem: answer.problem || "offline",
          offlineReason: answer.reason || (answer.error && answer.error.message) });
      }
      this.hooks.setPolicy(answer);
      this.render();
    }

    /** Re-checks when attached images change (the composer's text events do not tell us). */
    watchImages() {
      const signature = images.signature(this.adapter.findImages(this.composer));
      if (signature !== this.imageSignature) {
        this.imageSignature = signature;
        this.schedule();
      }
    }

    render() {
      const asked = this.report && approval.effective(this.report.approval, this.asked, this.checkedText);
      const shown = (this.state !== "offline" && approval.badge({ approval: asked })) || ui.badgeState(this.state, this.report, this.problem);
      const { cls, text, label } = shown;
      this.badge.className = `badge state-${cls}`;
      this.badge.textContent = text;
      this.badge.setAttribute("aria-label", label);
      this.badge.title = this.state === "offline" ? ui.problemHint(this.problem) : label;
      this.draw();
      this.hooks.rendered(this);
    }

    /** Underline rects for UTF-16 [start, end) of the composer's current text. */
    rectsFor(start, end) {
      let range;
      if (this.adapter.isPlain(this.composer)) {
        this.mirror = ui.mirrorFor(this.composer, this.mirror);
        range = document.createRange();
        const node = this.mirror.firstChild;
        range.setStart(node, Math.min(start, node.length));
        range.setEnd(node, Math.min(end, node.length));
      } else {
        range = textmap.range(textmap.extract(this.composer), start, end, document);
      }
      return range ? [...range.getClientRects()] : [];
    }

    /** Draws underlines for the findings still valid in the current text (text typed after a span keeps it). */
    draw() {
      const box = this.composer.getBoundingClientRect();
      const shown = box.width > 0 && box.height > 0 && this.composer.isConnected;
      this.group.hidden = !shown;
      this.layout = [];
      if (!shown) return;
      ui.positionBadge(this.badge, box, this.textRects());
      const current = this.readText();
      const checked = this.checkedText || "";
      let same = 0;
      while (same < current.length && same < checked.length && current.charCodeAt(same) === checked.charCodeAt(same)) same++;
      if (this.report) {
        for (const finding of this.report.findings) {
          if (!underlined(finding)) continue;
          // one finding may name several places of one problem: each is underlined, each opens the same card
          for (const place of finding.spans || [finding.span]) {
            const span = offsets.spanToUtf16(checked, place);
            if (!span || span.end > same) continue;
            const rects = this.rectsFor(span.start, span.end);
            this.layout.push({ finding, span, rects, boxes: geometry.underlineBoxes(rects, box), severity: finding.severity, rule: finding.rule });
          }
        }
      }
      ui.drawUnderlines(this.underlines, this.layout);
    }

    /** The finding under a viewport point, if any; where several overlap, the most severe (a style note never hides a block). */
    findingAt(x, y) {
      const hits = this.layout.filter((item) => geometry.hits(item.rects, x, y));
      return hits.sort((a, b) => ui.bySeverity(a.finding, b.finding))[0] || null;
    }

    /** Replaces a finding's words through the editor's own input path, so the site's state follows. */
    apply(finding, suggestion) {
      if (!(finding.suggestions || []).includes(suggestion)) return false;  // guidance is never written into the post
      const checked = this.checkedText || "";
      if (this.readText() !== checked) return false;
      const span = offsets.spanToUtf16(checked, finding.span);
      if (!span) return false;
      const composer = this.composer;
      composer.focus({ preventScroll: true });
      if (this.adapter.isPlain(composer)) {
        composer.setSelectionRange(span.start, span.end);
      } else {
        const range = textmap.range(textmap.extract(composer), span.start, span.end, document);
        const selection = getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      }
      // execCommand edits as typing does, with the input events editors listen to; only where it
      // raised none (an editor that disabled it) is the editor sent a beforeinput of its own
      let seen = false;
      const notice = () => (seen = true);
      composer.addEventListener("beforeinput", notice, true);
      composer.addEventListener("input", notice, true);
      document.execCommand("insertText", false, suggestion);
      composer.removeEventListener("beforeinput", notice, true);
      composer.removeEventListener("input", notice, true);
      if (!seen) {
        const before = new InputEvent("beforeinput", { inputType: "insertReplacementText", data: suggestion, bubbles: true, cancelable: true, composed: true });
        if (composer.dispatchEvent(before) && this.adapter.isPlain(composer)) {
          composer.setRangeText(suggestion, span.start, span.end, "end");
          composer.dispatchEvent(new InputEvent("input", { inputType: "insertReplacementText", data: suggestion, bubbles: true }));
        }
      }
      // the replaced text is checked at once, not after the typing pause: until its answer the gate holds
      this.checkNow();
      return true;
    }

    /** The attached image's thumbnail for an image finding. */
    thumbnailFor(finding) {
      return Number.isInteger(finding.image) && this.attached[finding.image] ? this.attached[finding.image].thumb : null;
    }

    destroy() {
      if (this.asked) askers.delete(this.asked.id);
      this.schedule.cancel();
      this.composer.removeEventListener("input", this.onInput);
      this.observer.disconnect();
      this.group.remove();
      if (this.mirror) this.mirror.remove();
    }
  }

  return Session;
})();
