// Checks run after a pause in typing; only the answer to the latest request is used.
preflight.scheduling = (() => {
  // After a word or sentence ends the editor is likely to look up: check soon. Mid-word the next key
  // usually follows within a few hundred ms, and a check of half a word would only be thrown away.
  const PAUSE_AFTER_WORD_MS = 120;
  const PAUSE_MID_WORD_MS = 400;
  const ENDS_A_WORD = /[\s\p{P}]/u;

  /** The pause before checking, given the character just before the caret ("" at the start of a line). */
  function pauseAfter(before) {
    return before === "" || ENDS_A_WORD.test(before) ? PAUSE_AFTER_WORD_MS : PAUSE_MID_WORD_MS;
  }

  /**
   * `fn` called once `wait` ms after the last call (`wait` may be a function, asked at each call for the pause
   * that call deserves); `.flush()` runs it now, `.cancel()` drops it.
   */
  function debounce(fn, wait, timers = globalThis) {
    let timer = null;
    let lastArgs = null;
    const run = () => {
      timer = null;
      const args = lastArgs;
      lastArgs = null;
      return fn(...args);
    };
    const debounced = (...args) => {
      lastArgs = args;
      if (timer !== null) timers.clearTimeout(timer);
      timer = timers.setTimeout(run, typeof wait === "function" ? wait() : wait);
    };
    debounced.flush = () => {
      if (timer === null) return undefined;
      timers.clearTimeout(timer);
      return run();
    };
    debounced.cancel = () => {
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      lastArgs = null;
    };
    debounced.pending = () => timer !== null;
    return debounced;
  }

  /**
   * Wraps an async `request(payload, seq)`: each call supersedes the previous one, whose
   * answer resolves to `{stale: true}` instead of its result, and `onSuperseded(seq)` is told.
   */
  function latestOnly(request, onSuperseded = () => {}) {
    let seq = 0;
    const call = async (payload) => {
      const mine = ++seq;
      if (mine > 1) onSuperseded(mine - 1);
      const result = await request(payload, mine);
      return mine === seq ? result : { stale: true };
    };
    call.current = () => seq;
    /** Makes any answer still on its way stale, without a new request. */
    call.supersede = () => {
      seq += 1;
      onSuperseded(seq - 1);
    };
    return call;
  }

  return { debounce, latestOnly, pauseAfter, PAUSE_AFTER_WORD_MS, PAUSE_MID_WORD_MS };
})();
