// Settings with their defaults; the worker is the only reader and writer of storage.
preflight.settings = (() => {
  const SITES = Object.freeze(["x", "linkedin", "facebook", "instagram", "threads"]);
  const LANGUAGES = Object.freeze(["auto", "en", "nl", "da", "sv", "de"]);
  const DEFAULTS = Object.freeze({
    apiUrl: "http://127.0.0.1:8080",
    apiKey: "",
    profile: "",
    language: "auto",
    sites: Object.freeze(Object.fromEntries(SITES.map((site) => [site, true]))),
    genericOrigins: Object.freeze([]),
    warnConfirm: true,
    // when the API cannot check a post: "hold" it for the editor to decide (with a reason), or "allow" it through
    whenUnchecked: "hold",
  });
  const WHEN_UNCHECKED = Object.freeze(["hold", "allow"]);

  /** The stored values over the defaults, with unknown keys and wrong types dropped. */
  function normalise(stored) {
    const out = { ...DEFAULTS, sites: { ...DEFAULTS.sites }, genericOrigins: [] };
    if (!stored || typeof stored !== "object") return out;
    for (const key of ["apiUrl", "apiKey", "profile"]) {
      if (typeof stored[key] === "string") out[key] = stored[key].trim();
    }
    if (LANGUAGES.includes(stored.language)) out.language = stored.language;
    if (typeof stored.warnConfirm === "boolean") out.warnConfirm = stored.warnConfirm;
    if (WHEN_UNCHECKED.includes(stored.whenUnchecked)) out.whenUnchecked = stored.whenUnchecked;
    if (stored.sites && typeof stored.sites === "object") {
      for (const site of SITES) if (typeof stored.sites[site] === "boolean") out.sites[site] = stored.sites[site];
    }
    if (Array.isArray(stored.genericOrigins)) out.genericOrigins = stored.genericOrigins.filter(isOrigin);
    out.apiUrl = out.apiUrl.replace(/\/+$/, "") || DEFAULTS.apiUrl;
    return out;
  }

  function isOrigin(value) {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
    } catch {
      return false;
    }
  }

  /** The match pattern that grants access to an origin (host permissions ignore ports). */
  function originPattern(origin) {
    const url = new URL(origin);
    return `${url.protocol}//${url.hostname}/*`;
  }

  return { SITES, LANGUAGES, WHEN_UNCHECKED, DEFAULTS, normalise, isOrigin, originPattern };
})();
