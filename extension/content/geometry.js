// Where to draw underlines: a finding's client rects, clipped to the composer's visible box.
preflight.geometry = (() => {
  const UNDERLINE = 3;

  /** Underline boxes (viewport coordinates) for `rects` inside the visible `clip` box. */
  function underlineBoxes(rects, clip) {
    const boxes = [];
    for (const r of rects) {
      if (r.width <= 0 || r.height <= 0) continue;
      const left = Math.max(r.left, clip.left);
      const right = Math.min(r.right, clip.right);
      const bottom = Math.min(r.bottom, clip.bottom);
      if (right <= left || r.bottom <= clip.top || r.top >= clip.bottom) continue;
      boxes.push({ left, top: bottom - UNDERLINE, width: right - left, height: UNDERLINE });
    }
    return mergeLines(boxes);
  }

  /** Adjacent boxes on one line (one per text node or word) become one underline. */
  function mergeLines(boxes) {
    const merged = [];
    for (const box of boxes) {
      const last = merged[merged.length - 1];
      if (last && Math.abs(last.top - box.top) < 1 && box.left - (last.left + last.width) <= 1 && box.left >= last.left) {
        last.width = Math.max(last.width, box.left + box.width - last.left);
      } else {
        merged.push({ ...box });
      }
    }
    return merged;
  }

  /** True if the point lies within any of `rects` (with some slack below, where the underline is). */
  function hits(rects, x, y, slack = 2) {
    return rects.some((r) => x >= r.left && x <= r.right && y >= r.top && y <= r.bottom + slack);
  }

  /** Top-left for a card of `size` next to `anchor`, kept inside the `viewport`. */
  function placeCard(anchor, size, viewport, gap = 6) {
    let top = anchor.bottom + gap;
    if (top + size.height > viewport.height && anchor.top - gap - size.height >= 0) top = anchor.top - gap - size.height;
    const left = Math.min(Math.max(0, anchor.left), Math.max(0, viewport.width - size.width));
    return { left, top: Math.max(0, top) };
  }

  /** The badge sits inside the composer's bottom-right corner. */
  function placeBadge(composer, size, inset = 6) {
    return {
      left: Math.max(composer.left, composer.right - size.width - inset),
      top: Math.max(composer.top, composer.bottom - size.height - inset),
    };
  }

  return { UNDERLINE, underlineBoxes, hits, placeCard, placeBadge };
})();
