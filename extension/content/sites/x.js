// X (Twitter): a Draft.js editor per post in the thread composer.
preflight.sites.define({
  id: "x",
  platform: "x",
  hosts: ["x.com", "twitter.com"],
  composer: '[data-testid^="tweetTextarea_"][contenteditable="true"]',
  publish: '[data-testid="tweetButton"], [data-testid="tweetButtonInline"]',
  images: '[data-testid="attachments"] img',
});
