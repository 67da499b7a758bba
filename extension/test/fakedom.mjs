// Just enough of the DOM tree interface (links, text, attributes) for the text extraction code.
class Node {
  constructor(nodeType, nodeName) {
    Object.assign(this, { nodeType, nodeName, parentNode: null, firstChild: null, nextSibling: null, lastChild: null });
  }

  append(child) {
    child.parentNode = this;
    if (this.lastChild) this.lastChild.nextSibling = child;
    else this.firstChild = child;
    this.lastChild = child;
  }

  get textContent() {
    if (this.nodeType === 3) return this.data;
    let out = "";
    for (let c = this.firstChild; c; c = c.nextSibling) out += c.textContent;
    return out;
  }
}

/** h("div", {attrs}, "text", h(...)) */
export function h(tag, attrs = {}, ...children) {
  const el = new Node(1, tag.toUpperCase());
  el.attributes = attrs;
  el.getAttribute = (name) => (name in attrs ? attrs[name] : null);
  for (const child of children) {
    if (typeof child === "string") {
      const text = new Node(3, "#text");
      text.data = child;
      el.append(text);
    } else {
      el.append(child);
    }
  }
  return el;
}
