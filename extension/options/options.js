// The options page: connection, profile, language, sites, warn confirmation, what to do when a check fails. Saved through the worker.
(() => {
  const { MSG, page, settings: config } = preflight;
  const { t } = page;
  const $ = (id) => document.getElementById(id);
  const SITE_NAMES = { x: "X", linkedin: "LinkedIn", facebook: "Facebook", instagram: "Instagram", threads: "Threads" };

  function option(value, text) {
    const node = document.createElement("option");
    node.value = value;
    node.textContent = text;
    return node;
  }

  function show(id, text, ok) {
    const node = $(id);
    node.textContent = text;
    node.className = `result ${ok ? "ok" : "bad"}`;
  }

  function describe(result) {
    if (result.ok) return t("optTestOk", [String(result.packs)]);
    if (result.reason === "unreachable") return t("optTestUnreachable");
    if (result.reason === "no-key") return t("optTestNoKey");
    if (result.reason === "key") return t("optTestKey", [String(result.status)]);
    if (result.reason === "admin-key") return t("optTestAdminKey");
    if (result.reason === "approver-key") return t("optTestApproverKey");
    return t("optTestNotReady", [String(result.status)]);
  }

  function formValues() {
    const sites = {};
    for (const site of config.SITES) sites[site] = $(`site-${site}`).checked;
    return {
      apiUrl: $("apiUrl").value, apiKey: $("apiKey").value, profile: $("profile").value,
      language: $("language").value, warnConfirm: $("warnConfirm").checked, whenUnchecked: $("whenUnchecked").value, sites,
    };
  }

  /** A non-default API origin needs its host permission before the worker may call it. */
  async function allowApi(apiUrl) {
    let origin;
    try {
      origin = new URL(apiUrl).origin;
    } catch {
      return false;
    }
    return page.grant(origin).catch(() => false);
  }

  async function loadProfiles(selected) {
    const select = $("profile");
    select.replaceChildren(option("", t("optProfileNone")));
    const listed = await page.send({ type: MSG.LIST_OPTIONS, settings: { apiUrl: $("apiUrl").value, apiKey: $("apiKey").value } });
    if (!listed.ok) {
      $("profileHint").textContent = t("optProfilesUnavailable");
    } else {
      for (const profile of listed.profiles) select.append(option(profile.id, `${profile.name} (${profile.id})`));
      $("profileHint").textContent = t("optPacks", [listed.packs.map((p) => `${p.id} ${p.version}`).join(", ")]);
    }
    if (selected && ![...select.options].some((o) => o.value === selected)) select.append(option(selected, selected));
    select.value = selected || "";
  }

  async function fill() {
    const { settings } = await page.send({ type: MSG.GET_SETTINGS });
    $("apiUrl").value = settings.apiUrl;
    $("apiKey").value = settings.apiKey;
    const language = $("language");
    for (const code of config.LANGUAGES) language.append(option(code, code === "auto" ? t("optLanguageAuto") : code));
    language.value = settings.language;
    $("warnConfirm").checked = settings.warnConfirm;
    $("whenUnchecked").value = settings.whenUnchecked;
    const sites = $("sites");
    for (const site of config.SITES) {
      const label = document.createElement("label");
      label.className = "inline";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.id = `site-${site}`;
      box.checked = settings.sites[site];
      label.append(box, ` ${SITE_NAMES[site]}`);
      sites.insertBefore(label, $("generic"));
    }
    $("generic").textContent = t("optGeneric", [settings.genericOrigins.join(", ") || t("optNone")]);
    await loadProfiles(settings.profile);
  }

  $("test").addEventListener("click", async () => {
    const values = formValues();
    if (!(await allowApi(values.apiUrl))) return show("testResult", t("optPermissionDenied"), false);
    const result = await page.send({ type: MSG.TEST_CONNECTION, settings: { apiUrl: values.apiUrl, apiKey: values.apiKey } });
    show("testResult", describe(result), result.ok);
    if (result.ok) await loadProfiles($("profile").value);
  });

  $("form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = formValues();
    if (!(await allowApi(values.apiUrl))) return show("saved", t("optPermissionDenied"), false);
    const { settings } = await page.send({ type: MSG.SAVE_SETTINGS, settings: values });
    show("saved", t("optSaved"), true);
    await loadProfiles(settings.profile);
  });

  page.localise(document);
  fill();
})();
