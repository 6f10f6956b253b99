import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { load } from "./load.mjs";

// A small document's data as Python writes it today (tests/test_payload.py keeps it fresh:
// python -m tests.test_payload --write). Decoded with the page's own declaration of its parts.
const HERE = path.dirname(fileURLToPath(import.meta.url));
const GEO = load();
const stored = () => JSON.parse(fs.readFileSync(path.join(HERE, "data", "payload.json"), "utf8"));

test("the page decodes what Python writes: every declared part, no other", async () => {
  const { meta, blob } = stored();
  assert.equal(GEO.partProblems(meta.blob.parts).join("; "), "");
  const m = await GEO.decode(meta, blob);
  assert.deepEqual(Array.from(m.id), ["call", "vko-gyd"]);
  assert.equal(m.t0[1], Date.UTC(2025, 2, 13, 22, 54));
  assert.equal(m.t1[1], Date.UTC(2025, 2, 14, 1, 30) + 1000);  // the arrival second inside
  assert.equal(m.flights.event.length, 1);
  assert.equal(m.strings[m.places.label[m.place[1]]].endsWith("(GYD)"), true);
});

test("a renamed, missing or mistyped part is refused, naming it, before anything is drawn", async () => {
  const { meta, blob } = stored();
  const parts = {};
  for (const [name, part] of Object.entries(meta.blob.parts)) {
    parts[name === "ev.dt0" ? "ev.dt" : name] = part;
  }
  parts["ev.len"] = { ...parts["ev.len"], type: "u32" };
  const renamed = { ...meta, blob: { ...meta.blob, parts } };
  await assert.rejects(GEO.decode(renamed, blob), (err) => {
    assert.equal(err.message, "the data does not match this page: missing part 'ev.dt0'; " +
      "extra part 'ev.dt'; part 'ev.len' is u32, not f64");
    return true;
  });
});
