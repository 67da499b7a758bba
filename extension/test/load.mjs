// Runs the extension's classic scripts in a fresh VM context, as the browser would, and returns its namespace.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

export function load(files, globals = {}) {
  const context = vm.createContext({ ...globals });
  for (const file of ["shared/namespace.js", ...files]) {
    vm.runInContext(readFileSync(ROOT + file, "utf8"), context, { filename: file });
  }
  return context.preflight;
}
