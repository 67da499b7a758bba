// Every extension script is a classic script (content scripts cannot be modules without
// exposing files to pages); they share one namespace object instead of imports.
globalThis.preflight = globalThis.preflight || {};
// Firefox has `browser` with promises; Chrome's MV3 `chrome` returns promises too.
preflight.ext = globalThis.browser || globalThis.chrome;
