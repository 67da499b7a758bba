// A composer's text as the site will post it, with a map from text offsets back to DOM text nodes.
preflight.textmap = (() => {
  const BLOCKS = new Set(["P", "DIV", "LI", "UL", "OL", "H1", "H2", "H3", "H4", "H5", "H6", "BLOCKQUOTE", "PRE", "TR"]);
  const SKIP = new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT"]);

  /** True if nothing but empty text follows `node` inside `block`. */
  function lastInBlock(node, block) {
    for (let n = node; n && n !== block; n = n.parentNode) {
      for (let s = n.nextSibling; s; s = s.nextSibling) {
        if (s.nodeType === 3 ? s.data.length > 0 : s.nodeType === 1) return false;
      }
    }
    return true;
  }

  /**
   * Text of a contenteditable: blocks become lines; a <br> alone at the end of a block is the
   * editors' placeholder for an empty line, not an extra newline (Draft.js, Lexical, Quill).
   */
  function extract(root) {
    const segments = [];
    let text = "";
    let sinceBlock = false;
    const blockOf = [root];
    const walk = (node) => {
      for (let child = node.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === 3) {
          if (!child.data) continue;
          segments.push({ node: child, start: text.length, end: text.length + child.data.length });
          text += child.data;
          sinceBlock = true;
        } else if (child.nodeType === 1) {
          const tag = child.nodeName.toUpperCase();
          if (SKIP.has(tag) || child.getAttribute("contenteditable") === "false" && !child.textContent) continue;
          if (tag === "BR") {
            if (!lastInBlock(child, blockOf[blockOf.length - 1])) text += "\n";
            sinceBlock = true;
          } else if (BLOCKS.has(tag)) {
            if (sinceBlock) text += "\n";
            sinceBlock = false;
            blockOf.push(child);
            walk(child);
            blockOf.pop();
          } else {
            walk(child);
          }
        }
      }
    };
    walk(root);
    return { text, segments };
  }

  /** The DOM position of UTF-16 `offset`: inside the text node holding it, else the nearest one before. */
  function locate(map, offset, preferNext = false) {
    const { segments } = map;
    if (!segments.length) return null;
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid].start <= offset) lo = mid;
      else hi = mid - 1;
    }
    let seg = segments[lo];
    if (offset >= seg.end && preferNext && lo + 1 < segments.length) {
      seg = segments[lo + 1];
      return { node: seg.node, offset: 0 };
    }
    return { node: seg.node, offset: Math.max(0, Math.min(offset - seg.start, seg.end - seg.start)) };
  }

  /** A DOM Range over UTF-16 [start, end) of the extracted text. */
  function range(map, start, end, doc) {
    const from = locate(map, start, true);
    const to = locate(map, end, false);
    if (!from || !to) return null;
    const r = doc.createRange();
    r.setStart(from.node, from.offset);
    r.setEnd(to.node, to.offset);
    return r;
  }

  return { extract, locate, range };
})();
