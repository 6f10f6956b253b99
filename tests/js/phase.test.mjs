import { test } from "node:test";
import assert from "node:assert/strict";
import { load } from "./load.mjs";

const GEO = load();
const { HIDDEN, COMING, UNDERWAY, DONE } = GEO.PHASE;
const H = 3600000;
// 14 Mar 2025 local in Baku (UTC+4): [13 Mar 20:00 UTC, 14 Mar 20:00 UTC)
const DAY0 = Date.UTC(2025, 2, 13, 20), DAY1 = Date.UTC(2025, 2, 14, 20);
const DEP = Date.UTC(2025, 2, 13, 22, 54);

test("at the flight's departure, 'Witkoff in Baku' (14 Mar local) is possibly under way", () => {
  assert.equal(GEO.stateAt(DAY0, DAY1, DEP, "cumulative", 0), UNDERWAY);
  assert.equal(GEO.stateAt(DAY0, DAY1, DAY1, "cumulative", 0), DONE);
  assert.equal(GEO.stateAt(DAY0, DAY1, DAY0 - 1, "cumulative", 0), HIDDEN);
});

test("window mode shows what overlaps t ± w and says what is still to come", () => {
  assert.equal(GEO.stateAt(DAY0, DAY1, DAY0 - 2 * H, "window", 3 * H), COMING);
  assert.equal(GEO.stateAt(DAY0, DAY1, DAY0 - 4 * H, "window", 3 * H), HIDDEN);
  assert.equal(GEO.stateAt(DAY0, DAY1, DAY1 + 2 * H, "window", 3 * H), DONE);
  assert.equal(GEO.stateAt(DAY0, DAY1, DAY1 + 3 * H, "window", 3 * H), HIDDEN);
});

test("statesAt fills every event's state and counts the shown", () => {
  const t0 = Float64Array.from([0, 10, 20]), t1 = Float64Array.from([5, 30, 21]);
  const out = new Uint8Array(3);
  assert.equal(GEO.statesAt(t0, t1, 20, "cumulative", 0, out), 3);
  assert.deepEqual([...out], [DONE, UNDERWAY, UNDERWAY]);
  assert.equal(GEO.statesAt(t0, t1, 9, "cumulative", 0, out), 1);
});
