// The pages' interface language: the reader's choice, else the browser's, else English.
// The words themselves live in strings.js; the HTML carries English and `data-i18n` keys.

export const LANGUAGES = { en: "English", nl: "Nederlands", da: "Dansk", sv: "Svenska", de: "Deutsch" };
const CHOICE = "preflight.uiLanguage";

/** The first of `tags` (a stored choice, then the browser's languages) that the pages speak; else English. */
export function pickLanguage(tags) {
  for (const tag of tags) {
    const base = String(tag || "").toLowerCase().split("-")[0];
    if (Object.hasOwn(LANGUAGES, base)) return base;
  }
  return "en";
}

function readChoice() {
  try {
    return localStorage.getItem(CHOICE);
  } catch {
    return null; // storage is off: the browser's language it is
  }
}

function writeChoice(language) {
  try {
    localStorage.setItem(CHOICE, language);
  } catch {
    // the choice lasts for this visit
  }
}

/** A translator over `catalogs` (each {en: {...}, nl: {...}, ...}); `t(key, vars)` fills {name} placeholders. */
export function createI18n(...catalogs) {
  let language = pickLanguage([readChoice(), ...(navigator.languages || [navigator.language])]);
  const lookup = (lang, key) => {
    for (const catalog of catalogs) if (catalog[lang] && Object.hasOwn(catalog[lang], key)) return catalog[lang][key];
    return undefined;
  };
  const t = (key, vars = {}) => {
    const text = lookup(language, key) ?? lookup("en", key) ?? key;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(vars, name) ? String(vars[name]) : whole));
  };

  /** Puts the current language's words into every element marked with data-i18n (text) or data-i18n-attr (attr:key;…). */
  function apply(root = document) {
    document.documentElement.lang = language;
    for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of root.querySelectorAll("[data-i18n-attr]")) {
      for (const pair of node.dataset.i18nAttr.split(";")) {
        const [attribute, key] = pair.split(":");
        node.setAttribute(attribute, t(key));
      }
    }
  }

  /** Fills the language menu; a change is remembered, applied, and `onChange` redraws what the page built itself. */
  function mountSwitcher(select, onChange = () => {}) {
    select.replaceChildren(...Object.entries(LANGUAGES).map(([code, name]) => {
      const option = document.createElement("option");
      option.value = code;
      option.lang = code;
      option.textContent = name;
      return option;
    }));
    select.value = language;
    select.addEventListener("change", () => {
      language = pickLanguage([select.value]);
      writeChoice(language);
      apply();
      onChange(language);
    });
  }

  return { t, apply, mountSwitcher, language: () => language };
}
