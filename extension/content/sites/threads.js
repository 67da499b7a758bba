// Threads: a Lexical editor per post in the composer dialog; Post is a div button known by its text.
// The reply dialog shows the post answered above the editor.
preflight.sites.define({
  id: "threads",
  platform: "threads",
  hosts: ["threads.net", "threads.com"],
  composer: '[contenteditable="true"][role="textbox"][data-lexical-editor="true"]',
  publish: '[role="dialog"] [role="button"], form [role="button"]',
  publishLabels: ["Post", "Reply", "Plaatsen", "Beantwoorden", "Slå op", "Svar", "Publicera", "Svara", "Posten", "Veröffentlichen", "Antworten"],
  images: '[role="dialog"] img[src^="blob:"]',
  reply: {
    within: '[role="dialog"]',
    parent: '[data-pressable-container="true"] [dir="auto"]',
  },
});
