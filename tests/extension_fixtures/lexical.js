// A controlled rich-text editor in the manner of Lexical: it cancels every beforeinput, applies the
// edit to its own model and renders <p><span data-lexical-text> itself. A change made behind its back
// (DOM edited directly, with no input event) is lost on the next render, as on the real sites.
(function () {
  function start(root) {
    const state = { lines: [""] };
    window.editorState = state;
    const text = () => state.lines.join("\n");

    function render(caret) {
      root.replaceChildren(...state.lines.map((line) => {
        const p = document.createElement("p");
        p.className = "xdj266r";
        if (line) {
          const span = document.createElement("span");
          span.setAttribute("data-lexical-text", "true");
          span.textContent = line;
          p.append(span);
        } else {
          p.append(document.createElement("br"));
        }
        return p;
      }));
      root.classList.toggle("empty", text() === "");
      if (caret !== undefined) place(caret);
    }

    function offsetOf(node, offset) {
      const paragraphs = [...root.children];
      let total = 0;
      for (let i = 0; i < paragraphs.length; i++) {
        const p = paragraphs[i];
        if (p === node || p.contains(node)) {
          if (node.nodeType === 3) return total + offset;
          if (node === p) return total + (offset > 0 ? state.lines[i].length : 0);
          return total + (offset > 0 ? state.lines[i].length : 0);
        }
        total += state.lines[i].length + 1;
      }
      return node === root && offset > 0 ? text().length : 0;
    }

    function place(position) {
      let rest = position;
      const paragraphs = [...root.children];
      for (let i = 0; i < paragraphs.length; i++) {
        if (rest <= state.lines[i].length) {
          const span = paragraphs[i].firstChild;
          const range = document.createRange();
          if (span.nodeName === "SPAN") range.setStart(span.firstChild, rest);
          else range.setStart(paragraphs[i], 0);
          range.collapse(true);
          const sel = getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
          return;
        }
        rest -= state.lines[i].length + 1;
      }
    }

    function selection(event) {
      const ranges = event.getTargetRanges ? event.getTargetRanges() : [];
      const r = ranges.length ? ranges[0] : getSelection().getRangeAt(0);
      const a = offsetOf(r.startContainer, r.startOffset);
      const b = offsetOf(r.endContainer, r.endOffset);
      return [Math.min(a, b), Math.max(a, b)];
    }

    function replace(start, end, insert) {
      const value = text();
      state.lines = (value.slice(0, start) + insert + value.slice(end)).split("\n");
      render(start + insert.length);
      root.dispatchEvent(new CustomEvent("editor-change", { bubbles: true }));
    }

    root.addEventListener("beforeinput", (event) => {
      event.preventDefault();
      const [start, end] = selection(event);
      const data = event.data ?? (event.dataTransfer ? event.dataTransfer.getData("text/plain") : "");
      switch (event.inputType) {
        case "insertText":
        case "insertReplacementText":
        case "insertFromPaste":
          return replace(start, end, data);
        case "insertParagraph":
        case "insertLineBreak":
          return replace(start, end, "\n");
        case "deleteContentBackward":
          return replace(start === end ? Math.max(0, start - 1) : start, end, "");
        case "deleteContentForward":
          return replace(start, start === end ? end + 1 : end, "");
        default:
          return undefined;
      }
    });
    // Text the browser inserted itself (execCommand, spellcheck, IME) reaches the model through
    // the input event, as in Lexical: the DOM is read back, then rendered the editor's way.
    root.addEventListener("input", () => {
      state.lines = [...root.children].map((p) => p.textContent);
      const sel = getSelection();
      const caret = sel.rangeCount ? offsetOf(sel.focusNode, sel.focusOffset) : undefined;
      render(caret);
      root.dispatchEvent(new CustomEvent("editor-change", { bubbles: true }));
    });
    window.clearEditor = () => {
      state.lines = [""];
      render();
    };
    render();
  }
  window.startLexical = start;
})();
