// LinkedIn: the share box is a Quill editor in a modal.
preflight.sites.define({
  id: "linkedin",
  platform: "linkedin",
  hosts: ["linkedin.com"],
  composer: '.share-creation-state__text-editor .ql-editor[contenteditable="true"], [role="dialog"] .ql-editor[contenteditable="true"][role="textbox"]',
  publish: "button.share-actions__primary-action",
  images: '.share-creation-state__content-scrollable img, [class*="share-box"] img[src^="blob:"]',
});
