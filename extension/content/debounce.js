// Checks run after a pause in typing; only the answer to the latest request is used.
preflight.scheduling = (() => {
  /** `fn` called once `wait` ms after the last call; `.flush()` runs it now, `.cancel()` drops it. */
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
      timer = timers.setTimeout(run, wait);
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

  return { debounce, latestOnly };
})();
