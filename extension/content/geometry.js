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

  /** Whether `box` (left, top, width, height) comes within `margin` px of any of `rects`. */
  function overlaps(box, rects, margin = 2) {
    return rects.some((r) => r.width > 0 && r.height > 0 &&
      box.left < r.right + margin && box.left + box.width > r.left - margin &&
      box.top < r.bottom + margin && box.top + box.height > r.top - margin);
  }

  /**
   * Where the badge goes: a corner of the composer that no line of `text` (its rects) reaches, bottom-right
   * first; when the text fills every corner, just outside the composer (right of it, else below, else above),
   * kept inside the `viewport`. The badge must never hide the words it reports on.
   */
  function placeBadge(composer, size, text = [], viewport = null, inset = 6) {
    const { width, height } = size;
    const right = composer.right - width - inset;
    const bottom = composer.bottom - height - inset;
    const corners = [
      { left: right, top: bottom }, { left: right, top: composer.top + inset },
      { left: composer.left + inset, top: bottom }, { left: composer.left + inset, top: composer.top + inset },
    ].filter((at) => at.left >= composer.left && at.top >= composer.top);
    for (const at of corners) if (!overlaps({ ...at, width, height }, text)) return at;
    const room = viewport || { width: Infinity, height: Infinity };
    const outside = [
      { left: composer.right + inset, top: composer.bottom - height },
      { left: composer.right - width, top: composer.bottom + inset },
      { left: composer.right - width, top: composer.top - height - inset },
    ];
    const fits = (at) => at.left >= 0 && at.top >= 0 && at.left + width <= room.width && at.top + height <= room.height;
    const at = outside.find((spot) => fits(spot) && !overlaps({ ...spot, width, height }, text)) || outside[1];
    return { left: Math.max(0, Math.min(at.left, room.width - width)), top: Math.max(0, at.top) };
  }

  return { UNDERLINE, underlineBoxes, hits, placeCard, placeBadge, overlaps };
})();
