// Helpers for the extension's own pages (options, popup): localised text and worker messages.
preflight.page = (() => {
  const { ext } = preflight;

  function t(id, subs) {
    return ext.i18n.getMessage(id, subs) || id;
  }

  /** Fills every [data-i18n] element's text (and [data-i18n-label]'s aria-label) from the locale. */
  function localise(doc) {
    doc.documentElement.lang = ext.i18n.getUILanguage();
    for (const node of doc.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of doc.querySelectorAll("[data-i18n-label]")) node.setAttribute("aria-label", t(node.dataset.i18nLabel));
  }

  function send(message) {
    return ext.runtime.sendMessage(message);
  }

  /** Asks for access to an origin not granted at install; must run in a click handler. */
  async function grant(origin) {
    const origins = [preflight.settings.originPattern(origin)];
    if (await ext.permissions.contains({ origins })) return true;
    return ext.permissions.request({ origins });
  }

  return { t, localise, send, grant };
})();
