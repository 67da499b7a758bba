// Calls to the preflight API; problem() tells the editor's three failures apart.
preflight.api = (() => {
  const TIMEOUT_MS = 10000;
  const APPROVAL_ID = /^[A-Za-z0-9_.:-]{1,80}$/;
  const NOTE_MAX = 1000;

  const isApprovalId = (value) => typeof value === "string" && APPROVAL_ID.test(value);

  /** {ok, status, body} for a 2xx; {ok: false, offline, reason} or {ok: false, status, error} otherwise. */
  async function call(settings, method, path, { body, signal, auth = true } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (auth) {
      if (!settings.apiKey) return { ok: false, offline: true, reason: "no-key" };
      headers.Authorization = `Bearer ${settings.apiKey}`;
    }
    const timeout = AbortSignal.timeout(TIMEOUT_MS);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response;
    try {
      response = await fetch(settings.apiUrl + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: combined,
        credentials: "omit", cache: "no-store",
      });
    } catch (err) {
      if (signal && signal.aborted) return { ok: false, cancelled: true };
      return { ok: false, offline: true, reason: timeout.aborted ? "timeout" : "unreachable" };
    }
    let parsed = null;
    try {
      parsed = await response.json();
    } catch {
      parsed = null;
    }
    if (response.ok) return { ok: true, status: response.status, body: parsed };
    if (response.status === 401 || response.status === 403) return { ok: false, offline: true, reason: "key", status: response.status };
    const error = parsed && parsed.error ? parsed.error : { code: "http_" + response.status, message: response.statusText, details: [] };
    return { ok: false, status: response.status, error };
  }

  /** The body of POST /v1/check for a CHECK message: a reply box sends its context and the message it answers. */
  function checkBody(msg, settings) {
    const body = {
      text: String(msg.text || ""),
      language: settings.language,
      platform: msg.platform || null,
      profile: settings.profile || null,
      context: msg.context === "reply" ? "reply" : "post",
      images: Array.isArray(msg.images) ? msg.images : [],
    };
    if (body.context === "reply" && typeof msg.inReplyTo === "string" && msg.inReplyTo.trim()) body.in_reply_to = msg.inReplyTo;
    // the API then says whether that approval covers exactly this text, these images, platform and profile
    if (isApprovalId(msg.approvalId)) body.approval_id = msg.approvalId;
    return body;
  }

  /** The body of POST /v1/approvals: the post as the editor sees it now (checked again on the spot) and their note. */
  function approvalBody(msg, settings) {
    return { submission: checkBody({ ...msg, approvalId: null }, settings), note: String(msg.note || "").trim().slice(0, NOTE_MAX) };
  }

  /**
   * Why a call failed, as the editor's fix differs: "offline" (unreachable, timed out, or the server failing:
   * wait or tell the admin), "rate-limited" (429: wait a minute) or "refused" (the key or the request: fix the options).
   */
  function problem(answer) {
    if (answer.status === 429) return "rate-limited";
    if (answer.reason === "key" || answer.reason === "no-key") return "refused";
    if (answer.offline || !answer.status || answer.status >= 500) return "offline";
    return "refused";
  }

  return { call, checkBody, approvalBody, isApprovalId, problem };
})();
