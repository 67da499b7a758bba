// Facebook: a Lexical editor in the "Create post" dialog; the Post button is a div with a localised label.
// Comments and replies are Lexical editors inside the post's (or the comment's) article.
preflight.sites.define({
  id: "facebook",
  platform: "facebook",
  hosts: ["facebook.com"],
  composer: '[role="dialog"] [contenteditable="true"][role="textbox"][data-lexical-editor="true"], ' +
    '[role="article"] [contenteditable="true"][role="textbox"][data-lexical-editor="true"]',
  publish: '[role="dialog"] [role="button"][aria-label], [role="article"] [role="button"][aria-label]',
  publishLabels: ["Post", "Publish", "Plaatsen", "Slå op", "Del", "Publicera", "Posta", "Posten", "Veröffentlichen",
    "Comment", "Reply", "Reageren", "Opmerking plaatsen", "Kommentér", "Svar", "Kommentera", "Svara", "Kommentieren", "Antworten"],
  images: '[role="dialog"] img[src^="blob:"]',
  // A comment answers the post's message; a reply to a comment sits in that comment's own article.
  reply: {
    box: '[role="article"]',
    within: '[role="article"]',
    parent: '[data-ad-preview="message"], [data-ad-comet-preview="message"], [role="article"][aria-label] [dir="auto"]',
  },
});
