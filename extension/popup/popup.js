// The popup: connection status, the last check, and turning the generic adapter on for this site.
(() => {
  const { ext, MSG, page } = preflight;
  const { t } = page;
  const $ = (id) => document.getElementById(id);
  // the supported sites are those the manifest's content scripts run on
  const SUPPORTED = new Set(ext.runtime.getManifest().content_scripts.flatMap((c) => c.matches).map((m) => new URL(m.replace("*", "x")).hostname));

  function ago(ms) {
    const minutes = Math.round((Date.now() - ms) / 60000);
    return new Intl.RelativeTimeFormat(ext.i18n.getUILanguage(), { numeric: "auto" }).format(-minutes, "minute");
  }

  async function showStatus() {
    const status = await page.send({ type: MSG.STATUS });
    const node = $("status");
    if (!status.configured) {
      node.textContent = t("popStatusNoKey");
      node.className = "bad";
    } else {
      const tested = await page.send({ type: MSG.TEST_CONNECTION, settings: {} });
      node.textContent = tested.ok ? `${t("popStatusOk")} · ${status.apiUrl}` : t("popStatusOffline");
      node.className = tested.ok ? "ok" : "bad";
    }
    const last = status.lastCheck;
    $("last").textContent = last
      ? t("popLastCheck", [last.verdict === "offline" ? t("popStatusOffline") : t(`verdict_${last.verdict}`), String(last.count), last.site || "?", ago(last.at)])
      : t("popNoCheck");
    return status;
  }

  async function showSite(status) {
    const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
    if (!tab || !tab.url || !/^https?:/.test(tab.url)) return;
    const url = new URL(tab.url);
    if (SUPPORTED.has(url.hostname)) {
      $("site").textContent = t("popSupported");
      return;
    }
    const enabled = (status.genericOrigins || []).includes(url.origin);
    const button = $("toggle");
    button.hidden = false;
    button.textContent = enabled ? t("popDisable") : t("popEnable");
    button.onclick = async () => {
      if (!enabled && !(await page.grant(url.origin).catch(() => false))) return;
      await page.send({ type: enabled ? MSG.DISABLE_SITE : MSG.ENABLE_SITE, origin: url.origin, tabId: tab.id });
      window.close();
    };
  }

  $("options").addEventListener("click", (event) => {
    event.preventDefault();
    ext.runtime.openOptionsPage();
  });

  page.localise(document);
  showStatus().then(showSite);
})();
