// The API counts Unicode code points; DOM strings and selections count UTF-16 units.
preflight.offsets = (() => {
  /** 2 where a surrogate pair starts at `i`, else 1 (a lone surrogate counts as one code point). */
  function unitsAt(text, i) {
    const code = text.charCodeAt(i);
    return code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }

  /** UTF-16 index of code point `cp` in `text`, clamped to the text's end. */
  function codePointToUtf16(text, cp) {
    let units = 0;
    for (let points = 0; points < cp && units < text.length; points++) units += unitsAt(text, units);
    return units;
  }

  /** Code point count of the first `units` UTF-16 units of `text`. */
  function utf16ToCodePoint(text, units) {
    const end = Math.min(units, text.length);
    let points = 0;
    for (let i = 0; i < end; points++) i += unitsAt(text, i);
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
