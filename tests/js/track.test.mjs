import { test } from "node:test";
import assert from "node:assert/strict";
import { load, plain } from "./load.mjs";

const GEO = load();
const RULE = { arcStepKm: 50, trackStepKm: 25, trackStepMinutes: 2 };

// A model holding one recorded track of the given fixes ([lat, lon, t_ms, gap_after]).
function model(fixes) {
  const n = fixes.length;
  return {
    meta: { rule: RULE },
    recorded: {
      fixes: Uint32Array.from([0, n]),
      lat: Float64Array.from(fixes, (f) => f[0]), lon: Float64Array.from(fixes, (f) => f[1]),
      t: Float64Array.from(fixes, (f) => f[2]), gap: Uint8Array.from(fixes, (f) => f[3] || 0),
    },
  };
}

const M = 60000;
const FIXES = [[55.6, 37.3, 0], [54.4, 38.6, 10 * M], [52.7, 41.4, 30 * M, 1], [48.7, 44.5, 70 * M],
               [46.3, 48.0, 90 * M]];

test("each fix is a vertex of the drawn path, at its own time", () => {
  const c = GEO.track.shape(model(FIXES), 0);
  assert.equal(c.fixAt[0], 0);
  FIXES.forEach((f, q) => {
    const v = c.fixAt[q];
    assert.ok(Math.abs(c.points[2 * v] - f[0]) < 1e-9 && Math.abs(c.points[2 * v + 1] - f[1]) < 1e-9);
    const at = GEO.track.at(c, f[2]);
    assert.ok(Math.abs(at.lat - f[0]) < 1e-9 && Math.abs(at.lon - f[1]) < 1e-9, `fix ${q}`);
  });
  assert.deepEqual(plain(c.gaps), [[c.fixAt[2], c.fixAt[3]]]);
});

test("between fixes the aircraft is on the geodesic at the fraction of the time", () => {
  const c = GEO.track.shape(model(FIXES), 0);
  const G = GEO.global.geodesic.Geodesic.WGS84;
  const line = G.InverseLine(54.4, 38.6, 52.7, 41.4);
  const want = line.Position(line.s13 * 0.25);
  const at = GEO.track.at(c, 15 * M);
  assert.ok(Math.abs(at.lat - want.lat2) < 1e-9 && Math.abs(at.lon - want.lon2) < 1e-9);
  assert.ok(Math.abs(at.azi - want.azi2) < 1e-9);
  assert.ok(at.k >= c.fixAt[1] && at.k < c.fixAt[2]);
  // clamped before the first and after the last fix
  assert.equal(GEO.track.at(c, -5 * M).lat, 55.6);
  assert.equal(GEO.track.at(c, 500 * M).lat, 46.3);
});

test("the path flown is cut at the coverage gap: solid, dashed, solid", () => {
  const c = GEO.track.shape(model(FIXES), 0);
  const all = GEO.track.ranges(c);
  assert.deepEqual(plain(all.gaps), [[c.fixAt[2], c.fixAt[3]]]);
  assert.deepEqual(plain(all.solid), [[0, c.fixAt[2]], [c.fixAt[3], c.points.length / 2 - 1]]);
  const inGap = GEO.track.ranges(c, GEO.track.at(c, 50 * M).k);
  assert.equal(inGap.tailIn, "gaps");
  assert.equal(inGap.solid.length, 1);
  const tail = [1, 2];
  const flown = GEO.track.pieces(c, GEO.track.at(c, 50 * M).k, tail);
  assert.deepEqual(plain(flown.gaps[0].at(-1)), tail);
});

test("a track over the antimeridian stays continuous", () => {
  const c = GEO.track.shape(model([[-16, 179.5, 0], [-15.8, -179.6, 10 * M], [-15.5, -178.9, 20 * M]]), 0);
  for (let v = 1; v < c.points.length / 2; v++) {
    assert.ok(Math.abs(c.points[2 * v + 1] - c.points[2 * v - 1]) < 1, `vertex ${v}`);
  }
  assert.ok(c.points[c.points.length - 1] > 180);
});
