import { test } from "node:test";
import assert from "node:assert/strict";
import { load, plain } from "./load.mjs";

const GEO = load();
const SCALE = { band_ft: 1000, colors: ["#a", "#b", "#c"], unknown: "#u" };

test("an altitude takes its band's colour; unknown and beyond the top are said", () => {
  assert.equal(GEO.altitudeColor(SCALE, 0), "#a");
  assert.equal(GEO.altitudeColor(SCALE, 1400), "#b");
  assert.equal(GEO.altitudeColor(SCALE, 90000), "#c");
  assert.equal(GEO.altitudeColor(SCALE, -1), "#u");
});

test("the profile's altitude is interpolated in time, unknown points skipped", () => {
  const R = { profile: [0, 3], pt: Float64Array.from([0, 100, 200]), alt: Int32Array.from([0, 1000, -1]) };
  assert.equal(GEO.altitudeAt(R, 0, 50), 500);
  assert.equal(GEO.altitudeAt(R, 0, 150), 1000);
  assert.equal(GEO.altitudeAt(R, 0, -10), 0);
});

test("runs join segments of one colour and skip coverage gaps", () => {
  const m = { recorded: { fixes: [0, 4], gap: Uint8Array.from([0, 1, 0, 0]), profile: [0, 2],
                          pt: Float64Array.from([0, 300]), alt: Int32Array.from([0, 3000]) },
              meta: { style: { altitude: { band_ft: 1000, colors: ["#a", "#b", "#c", "#d"], unknown: "#u" } } } };
  const c = { points: Float64Array.from([0, 0, 0, 1, 0, 2, 0, 3]), times: Float64Array.from([0, 100, 200, 300]),
              fixAt: Uint32Array.from([0, 1, 2, 3]) };
  const runs = plain(GEO.altitudeRuns(m, 0, c));
  assert.deepEqual(runs, [
    { color: "#b", points: [[0, 0], [0, 1]] },  // mid 50 s: 500 ft -> band 1 (rounded)
    { color: "#d", points: [[0, 2], [0, 3]] },  // the gap 1->2 left out; mid 250 s: 2500 ft
  ]);
  const flying = plain(GEO.altitudeRuns(m, 0, c, 0, [0, 0.5]));
  assert.deepEqual(flying, [{ color: "#b", points: [[0, 0], [0, 0.5]] }]);
});
