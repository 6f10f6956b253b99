import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { load, plain } from "./load.mjs";

// A small document's data as Python writes it today (tests/test_payload.py keeps it fresh:
// python -m tests.test_payload --write). Decoded with the page's own declaration of its parts.
const HERE = path.dirname(fileURLToPath(import.meta.url));
const GEO = load();
const stored = () => JSON.parse(fs.readFileSync(path.join(HERE, "data", "payload.json"), "utf8"));

test("the page decodes what Python writes: every declared part, no other", async () => {
  const { meta, blob } = stored();
  assert.equal(GEO.partProblems(meta.blob.parts).join("; "), "");
  assert.equal(GEO.ruleProblems(meta.rule).join("; "), "");
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

test("a renamed, missing or mistyped rule is refused too: the page applies no number of its own", async () => {
  const { meta, blob } = stored();
  assert.deepEqual(Object.keys(meta.rule), Object.keys(GEO.RULES));
  assert.equal(meta.rule.instantMs, 1000);  // geo.timeline.INSTANT
  assert.equal(meta.rule.zeroLengthKm, 0.001);  // geo.geodesy.ZERO_LENGTH_KM: 1 m
  assert.equal(meta.rule.clusterCellPx, 44);  // geo.style.CLUSTER_CELL_PX
  const { instantMs, ...rest } = meta.rule;
  const renamed = { ...meta, rule: { ...rest, instantSeconds: instantMs / 1000,
                                     clusterCellPx: "44" } };
  await assert.rejects(GEO.decode(renamed, blob), (err) => {
    assert.equal(err.message, "the data does not match this page: missing rule 'instantMs'; " +
      "rule 'clusterCellPx' is string, not number; extra rule 'instantSeconds'");
    return true;
  });
});

test("the page's numbers are the payload's: a flight's arrival is t1 minus the rule's instant", async () => {
  const { meta, blob } = stored();
  const m = await GEO.decode(meta, blob);
  assert.equal(m.t1[1] - meta.rule.instantMs, Date.UTC(2025, 2, 14, 1, 30));
  const mk = meta.style.mark;
  assert.equal(GEO.clusterRadius(mk, 1), mk.cluster_radius);  // geo.style.cluster_radius
  assert.equal(GEO.clusterRadius(mk, 100), mk.cluster_radius + 2 * mk.cluster_growth_px);
  const here = GEO.geodesic.line(40.4, 49.9, 40.4, 49.900006);  // about 0.5 m: one spot
  assert.deepEqual(plain(GEO.geodesic.at(here, 0.5, meta.rule)), { lat: 40.4, lon: 49.9, azi: 0 });
  const away = GEO.geodesic.line(40.4, 49.9, 40.4, 49.91);  // about 850 m
  assert.ok(Math.abs(GEO.geodesic.at(away, 0.5, meta.rule).lon - 49.905) < 1e-6);
});

test("a flight's alternatives: optional parts, empty when absent, grouped by flight", async () => {
  const plain = stored();
  const none = await GEO.decode(plain.meta, plain.blob);
  assert.equal(JSON.stringify(none.alternatives.of), "[[]]");  // the one flight, no alternatives
  assert.equal(none.alternatives.lat.length, 0);
  const { meta, blob } = stored().alternatives;
  assert.equal(GEO.partProblems(meta.blob.parts).join("; "), "");
  const m = await GEO.decode(meta, blob);
  const A = m.alternatives;
  assert.equal(JSON.stringify(A.of), "[[0,1]]");  // (arrays of the page's realm)
  assert.deepEqual(Array.from(A.text, (k) => m.strings[k]), [
    "N650GD (a8c3d1), score 0.37: took off 1 h 4 min after the reported time",
    "<b>4K-AZ81</b>, score 0.29"
  ]);
  assert.deepEqual(Array.from(A.points), [0, 3, 5]);  // alternative a: [points[a], points[a + 1])
  assert.deepEqual(Array.from(A.lat), [55.59, 48, 40.46, 41.26, 40.46]);
  assert.deepEqual(Array.from(A.lon), [37.26, 44, 50.05, 28.74, 50.05]);
  // a mistyped optional part is refused like any other
  const parts = { ...meta.blob.parts, "alt.n": { ...meta.blob.parts["alt.n"], type: "u16" } };
  assert.equal(GEO.partProblems(parts).join("; "), "part 'alt.n' is u16, not u32");
});
