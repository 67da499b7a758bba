// The API counts Unicode code points; DOM strings and selections count UTF-16 units.
preflight.offsets = (() => {
  /** UTF-16 index of code point `cp` in `text`, clamped to the text's end. */
  function codePointToUtf16(text, cp) {
    let units = 0;
    let points = 0;
    while (points < cp && units < text.length) {
      const code = text.charCodeAt(units);
      const pair = code >= 0xd800 && code <= 0xdbff && units + 1 < text.length &&
        (text.charCodeAt(units + 1) & 0xfc00) === 0xdc00;
      units += pair ? 2 : 1;
      points += 1;
    }
    return units;
  }

  /** Code point count of the first `units` UTF-16 units of `text`. */
  function utf16ToCodePoint(text, units) {
    let points = 0;
    let i = 0;
    const end = Math.min(units, text.length);
    while (i < end) {
      const code = text.charCodeAt(i);
      const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length &&
        (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      i += pair ? 2 : 1;
      points += 1;
    }
    return points;
  }

  /** A finding's code-point span as a UTF-16 {start, end} in `text`, or null if it has none. */
  function spanToUtf16(text, span) {
    if (!span || !Number.isInteger(span.start) || !Number.isInteger(span.end) || span.end < span.start) return null;
    const start = codePointToUtf16(text, span.start);
    return { start, end: start + codePointToUtf16(text.slice(start), span.end - span.start) };
  }

  return { codePointToUtf16, utf16ToCodePoint, spanToUtf16 };
})();
