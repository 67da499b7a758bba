// Instagram: the caption of the "Create new post" dialog; Share is a div button known only by its text.
// A comment is a textarea in a form under the post, whose caption is its heading.
preflight.sites.define({
  id: "instagram",
  platform: "instagram",
  hosts: ["instagram.com"],
  composer: '[role="dialog"] [contenteditable="true"][role="textbox"], article form textarea[aria-label], [role="dialog"] form textarea[aria-label]',
  publish: '[role="dialog"] [role="button"], [role="dialog"] button, article form [role="button"], article form button',
  publishLabels: ["Share", "Delen", "Del", "Dela", "Teilen", "Post", "Plaatsen", "Slå op", "Publicera", "Posten"],
  images: '[role="dialog"] img[src^="blob:"]',
  reply: {
    box: "form",
    within: 'article, [role="dialog"]',
    parent: 'h1[dir="auto"]',
  },
});
