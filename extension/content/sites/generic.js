// Any site the editor enabled: every textarea and rich-text editor; publish is the form's submit button
// or a button labelled like one.
preflight.sites.define({
  id: "generic",
  platform: null,
  hosts: [],
  composer: 'textarea:not([readonly]):not([disabled]), [contenteditable="true"], [contenteditable=""], [contenteditable="plaintext-only"]',
  publish: 'button, input[type="submit"], [role="button"]',
  publishLabels: ["Publish", "Post", "Share", "Schedule", "Send", "Submit", "Tweet", "Publiceren", "Plaatsen", "Inplannen",
    "Udgiv", "Slå op", "Planlæg", "Publicera", "Schemalägg", "Veröffentlichen", "Planen", "Posten", "Teilen"],
  images: 'img[src^="blob:"], img[src^="data:image/"]',
});
