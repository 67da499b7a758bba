// Instagram: the caption of the "Create new post" dialog; Share is a div button known only by its text.
preflight.sites.define({
  id: "instagram",
  platform: "instagram",
  hosts: ["instagram.com"],
  composer: '[role="dialog"] [contenteditable="true"][role="textbox"]',
  publish: '[role="dialog"] [role="button"], [role="dialog"] button',
  publishLabels: ["Share", "Delen", "Del", "Dela", "Teilen"],
  images: '[role="dialog"] img[src^="blob:"]',
});
