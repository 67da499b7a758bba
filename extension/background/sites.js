// The generic composer adapter on origins the editor enabled from the popup (scheduling tools and the like).
(() => {
  const { ext, settings: config } = preflight;
  const SCRIPT_ID = "preflight-generic";
  // The same scripts as the supported sites', with the generic adapter in place of the site's own.
  const FILES = ext.runtime.getManifest().content_scripts[0].js
    .map((file) => (file.startsWith("content/sites/") ? "content/sites/generic.js" : file));

  /** Registers the generic content script for exactly `origins` (replacing any earlier registration). */
  preflight.registerGeneric = async (origins) => {
    const existing = await ext.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] });
    if (existing.length) await ext.scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
    if (!origins.length) return;
    await ext.scripting.registerContentScripts([{
      id: SCRIPT_ID, matches: origins.map(config.originPattern), js: FILES, runAt: "document_idle", persistAcrossSessions: true,
    }]);
  };

  /** Starts the generic adapter in an already open tab, once. */
  preflight.injectGeneric = (tabId) => ext.scripting.executeScript({ target: { tabId }, files: FILES });
})();
