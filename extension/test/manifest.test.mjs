// The package as a store would see it: files present, permissions minimal, locales complete.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./load.mjs";

const manifest = JSON.parse(readFileSync(join(ROOT, "manifest.json"), "utf8"));
const LOCALES = ["en", "nl", "da", "sv", "de"];

function sources(dir = ROOT, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "test") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sources(path, out);
    else if (/\.(js|html)$/.test(entry.name)) out.push(path);
  }
  return out;
}

test("every file the manifest names exists, and the worker's imports too", () => {
  const files = [manifest.background.service_worker, manifest.action.default_popup, manifest.options_ui.page,
    ...Object.values(manifest.icons), ...manifest.content_scripts.flatMap((c) => c.js)];
  const worker = readFileSync(join(ROOT, manifest.background.service_worker), "utf8");
  const imported = worker.match(/importScripts\(([^)]*)\)/)[1].match(/"([^"]+)"/g).map((s) => join("background", s.slice(1, -1)));
  for (const file of [...files, ...imported]) assert.ok(existsSync(join(ROOT, file)), `missing: ${file}`);
});

test("each supported site runs the same scripts with only its own adapter in between", () => {
  const [first, ...rest] = manifest.content_scripts;
  const common = (js) => js.filter((f) => !f.startsWith("content/sites/"));
  for (const entry of rest) assert.deepEqual(common(entry.js), common(first.js));
  const adapters = manifest.content_scripts.map((c) => c.js.filter((f) => f.startsWith("content/sites/")));
  assert.ok(adapters.every((a) => a.length === 1));
  const siteFiles = readdirSync(join(ROOT, "content/sites")).filter((f) => f !== "generic.js").map((f) => `content/sites/${f}`).sort();
  assert.deepEqual(adapters.flat().sort(), siteFiles);
  assert.ok(first.js.indexOf("content/main.js") === first.js.length - 1, "main.js starts last, after every module it uses");
});

test("permissions: storage, scripting, the active tab; hosts: the loopback API only; other sites on request", () => {
  assert.equal(manifest.manifest_version, 3);
  assert.deepEqual([...manifest.permissions].sort(), ["activeTab", "scripting", "storage"]);
  assert.deepEqual(manifest.host_permissions, ["http://127.0.0.1/*", "http://localhost/*"]);
  assert.ok(!JSON.stringify(manifest).includes("<all_urls>"));
  assert.ok(manifest.browser_specific_settings.gecko.id);
  assert.ok(!("web_accessible_resources" in manifest), "no extension file is exposed to pages");
});

test("every locale has every message, with the same $n substitutions", () => {
  const messages = Object.fromEntries(LOCALES.map((l) => [l, JSON.parse(readFileSync(join(ROOT, `_locales/${l}/messages.json`), "utf8"))]));
  const keys = Object.keys(messages.en).sort();
  for (const locale of LOCALES) {
    assert.deepEqual(Object.keys(messages[locale]).sort(), keys, `${locale} has other keys than en`);
    for (const key of keys) {
      const subs = (m) => (m.message.match(/\$\d/g) || []).sort().join();
      assert.equal(subs(messages[locale][key]), subs(messages.en[key]), `${locale}/${key}`);
      assert.ok(messages[locale][key].message.trim(), `${locale}/${key} is empty`);
    }
  }
});

test("every message id the code uses is in the English locale", () => {
  const en = JSON.parse(readFileSync(join(ROOT, "_locales/en/messages.json"), "utf8"));
  const used = new Set();
  for (const file of sources()) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\bt\("([A-Za-z_]+)"/g)) used.add(m[1]);
    for (const m of text.matchAll(/data-i18n(?:-label)?="([A-Za-z_]+)"/g)) used.add(m[1]);
  }
  for (const m of JSON.stringify(manifest).matchAll(/__MSG_(\w+)__/g)) used.add(m[1]);
  for (const v of ["pass", "warn", "block"]) used.add(`verdict_${v}`);
  for (const s of ["block", "warning", "info"]) used.add(`severity_${s}`);
  assert.ok(used.size > 40);
  for (const key of used) assert.ok(key in en, `no English text for ${key}`);
});

test("message ids are spelled only in shared/messages.js and every MSG.* used is defined", () => {
  const defined = new Set([...readFileSync(join(ROOT, "shared/messages.js"), "utf8").matchAll(/^\s+([A-Z_]+):/gm)].map((m) => m[1]));
  for (const file of sources()) {
    const text = readFileSync(file, "utf8");
    if (!file.endsWith("shared/messages.js")) assert.ok(!/"preflight\//.test(text), `${file} spells a message id`);
    for (const m of text.matchAll(/MSG\.([A-Z_]+)/g)) assert.ok(defined.has(m[1]), `${file}: MSG.${m[1]} is not defined`);
  }
});

test("no script writes HTML: post text only ever goes through textContent", () => {
  for (const file of sources().filter((f) => f.endsWith(".js"))) {
    const text = readFileSync(file, "utf8");
    assert.ok(!/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write\(/.test(text), `${file} writes HTML`);
  }
});

test("every shadow root the extension attaches is closed, so page scripts cannot read the overlay", () => {
  const attached = sources().flatMap((path) =>
    [...readFileSync(path, "utf8").matchAll(/attachShadow\(\s*\{\s*mode:\s*"(\w+)"/g)].map((m) => m[1]));
  assert.ok(attached.length > 0);
  assert.deepEqual([...new Set(attached)], ["closed"]);
});
