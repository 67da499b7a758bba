// Facebook: a Lexical editor in the "Create post" dialog; the Post button is a div with a localised label.
preflight.sites.define({
  id: "facebook",
  platform: "facebook",
  hosts: ["facebook.com"],
  composer: '[role="dialog"] [contenteditable="true"][role="textbox"][data-lexical-editor="true"]',
  publish: '[role="dialog"] [role="button"][aria-label]',
  publishLabels: ["Post", "Publish", "Plaatsen", "Slå op", "Del", "Publicera", "Posta", "Posten", "Veröffentlichen"],
  images: '[role="dialog"] img[src^="blob:"]',
});
