import { test } from "node:test";
import assert from "node:assert/strict";
import { load, plain } from "./load.mjs";

const GEO = load();

test("events at one place are one marker; nearby places join it; far ones do not", () => {
  const px = Float64Array.from([100, 103, 400, 0]);
  const py = Float64Array.from([100, 101, 100, 0]);
  const count = Uint32Array.from([8, 1, 2, 0]);
  const clusters = GEO.cluster(px, py, count, 28);
  assert.equal(clusters.length, 2);
  const baku = clusters.find((c) => c.n === 9);
  assert.deepEqual(plain(baku.places), [0, 1]);  // the busiest place first
  assert.equal(baku.top, 0);
  assert.deepEqual([baku.x, baku.y], [100, 100]);  // sits on the busiest place
  assert.equal(clusters.find((c) => c.n === 2).places[0], 2);
});

test("nothing shown, nothing clustered", () => {
  assert.deepEqual(plain(GEO.cluster(new Float64Array(2), new Float64Array(2), new Uint32Array(2), 28)), []);
});
