// LinkedIn: the share box is a Quill editor in a modal; comments and replies are Quill editors under a post.
preflight.sites.define({
  id: "linkedin",
  platform: "linkedin",
  hosts: ["linkedin.com"],
  composer: '.share-creation-state__text-editor .ql-editor[contenteditable="true"], [role="dialog"] .ql-editor[contenteditable="true"][role="textbox"], ' +
    '.comments-comment-box .ql-editor[contenteditable="true"]',
  publish: "button.share-actions__primary-action, button.comments-comment-box__submit-button",
  images: '.share-creation-state__content-scrollable img, [class*="share-box"] img[src^="blob:"]',
  // A comment answers the post it sits under; a reply to a comment sits inside that comment.
  reply: {
    box: ".comments-comment-box",
    within: ".comments-comment-entity, .feed-shared-update-v2",
    parent: ".comments-comment-item__main-content, .feed-shared-update-v2__description",
  },
});
