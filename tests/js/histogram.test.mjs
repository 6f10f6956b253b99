import { test } from "node:test";
import assert from "node:assert/strict";
import { load } from "./load.mjs";

const GEO = load();

test("counts events by start in equal buckets of the domain", () => {
  const t0 = Float64Array.from([0, 1, 2, 55, 99, 100, 150]);
  const h = GEO.histogram(t0, 0, 100, 10);
  assert.deepEqual([...h.counts], [3, 0, 0, 0, 0, 1, 0, 0, 0, 2]);
  assert.equal(h.log, false);
  assert.equal(h.heights[0], 1);
});

test("a few tall bars switch the scale to log", () => {
  const t0 = Float64Array.from([...Array(500).fill(1), 50, 70, 90]);
  const h = GEO.histogram(t0, 0, 100, 10);
  assert.equal(h.log, true);
  assert.ok(h.heights[5] > 0.05, "a single event still shows");
});

test("a filter leaves events out", () => {
  const t0 = Float64Array.from([0, 1, 2]);
  const h = GEO.histogram(t0, 0, 10, 2, (i) => i !== 1);
  assert.deepEqual([...h.counts], [2, 0]);
});
