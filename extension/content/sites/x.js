// X (Twitter): a Draft.js editor per post in the thread composer; a reply's editor follows the post it answers.
preflight.sites.define({
  id: "x",
  platform: "x",
  hosts: ["x.com", "twitter.com"],
  composer: '[data-testid^="tweetTextarea_"][contenteditable="true"]',
  publish: '[data-testid="tweetButton"], [data-testid="tweetButtonInline"]',
  images: '[data-testid="attachments"] img',
  // The reply dialog and a post's page show the post answered above the composer; the home composer has none.
  reply: {
    within: '[role="dialog"], [data-testid="primaryColumn"]',
    parent: 'article[data-testid="tweet"] [data-testid="tweetText"]',
  },
});
