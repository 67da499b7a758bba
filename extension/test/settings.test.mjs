import { test } from "node:test";
import assert from "node:assert/strict";
import { load } from "./load.mjs";

const { settings } = load(["shared/settings.js"], { URL });

test("defaults work against make run out of the box", () => {
  const s = settings.normalise(undefined);
  assert.equal(s.apiUrl, "http://127.0.0.1:8080");
  assert.equal(s.language, "auto");
  assert.equal(s.warnConfirm, true);
  assert.deepEqual({ ...s.sites }, { x: true, linkedin: true, facebook: true, instagram: true, threads: true });
});

test("stored values are kept when valid and dropped when not", () => {
  const s = settings.normalise({ apiUrl: " https://preflight.example.com/ ", language: "xx", warnConfirm: "no",
    sites: { x: false, myspace: true }, genericOrigins: ["https://buffer.example", "javascript:alert(1)", "https://a.example/path"] });
  assert.equal(s.apiUrl, "https://preflight.example.com");
  assert.equal(s.language, "auto");
  assert.equal(s.warnConfirm, true);
  assert.equal(s.sites.x, false);
  assert.equal("myspace" in s.sites, false);
  assert.deepEqual([...s.genericOrigins], ["https://buffer.example"]);
});

test("an origin's permission pattern leaves out the port", () => {
  assert.equal(settings.originPattern("http://127.0.0.1:8080"), "http://127.0.0.1/*");
});
