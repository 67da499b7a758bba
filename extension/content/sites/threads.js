// Threads: a Lexical editor per post in the composer dialog; Post is a div button known by its text.
preflight.sites.define({
  id: "threads",
  platform: "threads",
  hosts: ["threads.net", "threads.com"],
  composer: '[contenteditable="true"][role="textbox"][data-lexical-editor="true"]',
  publish: '[role="dialog"] [role="button"], form [role="button"]',
  publishLabels: ["Post", "Plaatsen", "Slå op", "Publicera", "Posten", "Veröffentlichen"],
  images: '[role="dialog"] img[src^="blob:"]',
});
