import { test } from "node:test";
import assert from "node:assert/strict";
import { load } from "./load.mjs";

const { gate } = load(["content/approval.js", "content/gate.js"]);
const report = (verdict, findings = []) => ({ verdict, findings });
const block = { rule: "misleading-claims/health-claim", pack: "misleading-claims", severity: "block", message: "m" };
const warning = { rule: "misleading-claims/absolute-guarantee", pack: "misleading-claims", severity: "warning", message: "w" };
const crisis = { rule: "crisis/publishing-paused", pack: "crisis", severity: "block", message: "We are responding to an incident." };

test("a blocking post opens the block dialog; a pass goes straight through", () => {
  assert.equal(gate.decide([{ report: report("block", [block]) }], true), "block");
  assert.equal(gate.decide([{ report: report("pass") }], true), "allow");
});

test("warnings ask for confirmation only when that option is on", () => {
  assert.equal(gate.decide([{ report: report("warn", [warning]) }], true), "warn");
  assert.equal(gate.decide([{ report: report("warn", [warning]) }], false), "allow");
});

test("crisis mode wins over everything else in any composer of the post", () => {
  assert.equal(gate.decide([{ report: report("pass") }, { report: report("block", [crisis, warning]) }], false), "crisis");
});

test("offline composers block nothing; text changed since the check means check again first", () => {
  assert.equal(gate.decide([{ report: null, offline: true }], true), "allow");
  assert.equal(gate.decide([{ report: report("block", [block]), stale: true }], true), "recheck");
});

test("the dialog lists blocking findings for block and crisis, warnings for warn", () => {
  const reports = [report("block", [block, warning, crisis])];
  assert.deepEqual(gate.findingsFor("block", reports).map((f) => f.rule), [block.rule, crisis.rule]);
  assert.deepEqual(gate.findingsFor("warn", reports).map((f) => f.rule), [warning.rule]);
});

test("publishing through the warn dialog records the warnings, through the block dialog the blocking rules", () => {
  const posted = report("block", [block, warning, warning, crisis]);
  assert.deepEqual([...gate.overriddenRules("warn", posted)], [warning.rule]);
  assert.deepEqual([...gate.overriddenRules("block", posted)], [block.rule, crisis.rule]);
});
