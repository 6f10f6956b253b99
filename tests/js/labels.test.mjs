import { test } from "node:test";
import assert from "node:assert/strict";
import { load, plain } from "./load.mjs";

const GEO = load();
const OFFSETS = [["left", 9, 0], ["right", -9, 0], ["bottom", 0, -9], ["top", 0, 9]];

test("the most important label is placed first; one overlapping it tries its next box", () => {
  const a = GEO.labelBoxes(100, 100, 40, 16, OFFSETS);
  const b = GEO.labelBoxes(120, 100, 40, 16, OFFSETS);  // its right box meets a's
  assert.deepEqual(plain(GEO.placeLabels([a, b])), [[0, 0], [1, 2]]);
  assert.deepEqual(plain(a[0]), [109, 92, 149, 108]);  // right of the point, centred
  assert.deepEqual(plain(b[2]), [100, 75, 140, 91]);  // above the point
});

test("a label with no free box is left out; taken boxes (markers) are avoided", () => {
  const a = [[0, 0, 10, 10]];
  const b = [[5, 5, 15, 15]];
  assert.deepEqual(plain(GEO.placeLabels([a, b])), [[0, 0]]);
  assert.deepEqual(plain(GEO.placeLabels([a, b], [[0, 0, 4, 4]])), [[1, 0]]);
});

test("touching boxes do not overlap", () => {
  assert.deepEqual(plain(GEO.placeLabels([[[0, 0, 10, 10]], [[10, 0, 20, 10]]])), [[0, 0], [1, 0]]);
});

test("a big marker pushes the name out beside it", () => {
  const [right] = GEO.labelBoxes(100, 100, 40, 16, OFFSETS, 20);
  assert.equal(right[0], 122);
});

test("a line's exit from the view is its last point inside, from its inside end", () => {
  // from (-50, 50) outside to (50, 50) inside a 100 x 100 view
  const xy = [-50, 50, -10, 50, 10, 50, 30, 50, 50, 50];
  assert.deepEqual(plain(GEO.exitPoint(xy, 100, 100, 4)), [10, 50]);
  assert.equal(GEO.exitPoint([10, 10, 20, 20], 100, 100, 4), null);  // never leaves
  assert.equal(GEO.exitPoint([10, 10, 200, 20], 100, 100, 4), null);  // ends outside
});
