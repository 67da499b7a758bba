// Shared by the reply fixtures: a click on a reply button posts its composer's text to #posted and empties it.
function wireReplies(pairs) {
  for (const [editorSelector, buttonSelector] of pairs) {
    const editor = document.querySelector(editorSelector);
    const button = document.querySelector(buttonSelector);
    const empty = editor.tagName === "TEXTAREA" ? "" : editor.innerHTML;
    button.addEventListener("click", () => {
      const item = document.createElement("li");
      item.textContent = (editor.tagName === "TEXTAREA" ? editor.value : editor.innerText).replace(/\n$/, "");
      document.getElementById("posted").append(item);
      if (editor.tagName === "TEXTAREA") editor.value = "";
      else editor.innerHTML = empty;
    });
  }
}
