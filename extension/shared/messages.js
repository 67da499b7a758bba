// Message ids between pages, content scripts and the worker: the only place they are spelled.
preflight.MSG = Object.freeze({
  CHECK: "preflight/check",
  OVERRIDE: "preflight/override",
  UNCHECKED: "preflight/unchecked",
  STATUS: "preflight/status",
  GET_SETTINGS: "preflight/get-settings",
  SAVE_SETTINGS: "preflight/save-settings",
  TEST_CONNECTION: "preflight/test-connection",
  LIST_OPTIONS: "preflight/list-options",
  ENABLE_SITE: "preflight/enable-site",
  DISABLE_SITE: "preflight/disable-site",
  REQUEST_APPROVAL: "preflight/request-approval",
  APPROVAL_CHANGED: "preflight/approval-changed",
});
