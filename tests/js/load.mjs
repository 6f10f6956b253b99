// Load the page's pure files (and the vendored geodesic library) into a fresh context, as the
// browser would, with no DOM and no Leaflet: what these files need must not be either.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const JS = path.join(ROOT, "geo", "static", "js");
const PURE = /^[0-5]\d-/;  // 00-core … 55-scene: no DOM, no Leaflet

export function load() {
  const context = vm.createContext({
    console, TextDecoder, Blob, Response, DecompressionStream, atob, Intl, Date, Math,
    setTimeout, clearTimeout,
  });
  context.globalThis = context;
  const vendor = path.join(ROOT, "geo", "static", "vendor", "geographiclib-geodesic-2.2.0.min.js");
  // the library's UMD wrapper sets window.geodesic when there is no module system
  vm.runInContext(`var window = globalThis; ${fs.readFileSync(vendor, "utf8")}`, context);
  for (const name of fs.readdirSync(JS).filter((f) => PURE.test(f)).sort()) {
    vm.runInContext(fs.readFileSync(path.join(JS, name), "utf8"), context, { filename: name });
  }
  return context.GEO;
}

// A value made in the loaded context as one of this realm's (arrays, plain objects), so that
// assert.deepStrictEqual compares contents, not prototypes.
export function plain(value) {
  return JSON.parse(JSON.stringify(value));
}
