// Posts published while preflight could not check them, kept until the API answers again, then checked
// and recorded as overrides with the editor's reason: the policy owner sees them like any other.
preflight.pending = (() => {
  const MAX_ITEMS = 50;
  const REASON_MAX = 2000;

  /** `queue` with `item` added; the oldest go when it is full (the newest say most about an outage). */
  function add(queue, item) {
    return [...queue, item].slice(-MAX_ITEMS);
  }

  /** The reason stored with the override: that the post went out unchecked, why, and what the editor said. */
  function reasonFor(item) {
    return `published while preflight could not check it (${item.problem}): ${item.reason}`.slice(0, REASON_MAX);
  }

  /**
   * Sends the queue in order with `send(item)`, which resolves to "done", "drop" (refused: retrying cannot help)
   * or "retry" (still out of reach: this and the later ones wait for the next time). Resolves to the ids handled.
   */
  async function flush(queue, send) {
    const handled = [];
    for (const item of queue) {
      let outcome;
      try {
        outcome = await send(item);
      } catch {
        outcome = "retry";
      }
      if (outcome === "retry") break;
      handled.push(item.id);
    }
    return handled;
  }

  return { MAX_ITEMS, add, reasonFor, flush };
})();
