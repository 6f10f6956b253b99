import { test } from "node:test";
import assert from "node:assert/strict";
import { load } from "./load.mjs";

const GEO = load();
const MIN = 60000;
const DEP = Date.UTC(2025, 2, 13, 22, 54);
const ARR = Date.UTC(2025, 2, 14, 1, 30);

function clock(extra = {}) {
  let now = 0;
  const frames = [];
  const c = new GEO.Clock({
    stops: Float64Array.from([DEP - 86400000, DEP, ARR, ARR + 3600000]),
    span: [DEP - 86400000, ARR + 3600000],
    now: () => now,
    raf: (fn) => { frames.push(fn); return frames.length; },
    cancel: () => {},
    ...extra,
  });
  const run = (ms) => { now += ms; const fn = frames.shift(); if (fn) fn(-1); };  // a stale stamp
  return { c, run, frames };
}

test("time is continuous: set clamps into the domain and names what changed", () => {
  const { c } = clock();
  const changes = [];
  c.on("change", (what) => changes.push(Object.keys(what).sort().join(",")));
  c.setTime(DEP + 7 * MIN + 13000);
  assert.equal(c.t, DEP + 7 * MIN + 13000);
  c.setTime(0);
  assert.equal(c.t, c.lo);
  c.set({ mode: "window", windowMs: 3600000 });
  assert.deepEqual(changes, ["t", "t", "mode,windowMs"]);
});

test("next and previous stop work from any time, mid-flight too", () => {
  const { c } = clock();
  c.setTime(DEP + 30 * MIN);  // in the air
  assert.equal(c.nextStop(1), ARR);  // the arrival is a stop
  assert.equal(c.nextStop(-1), DEP);
  c.setTime(DEP);
  assert.equal(c.nextStop(-1), DEP - 86400000);
  assert.equal(c.nextStop(1), ARR);
  c.setTime(c.hi);
  assert.equal(c.jump(1), false);
});

test("a narrower domain keeps stepping inside it", () => {
  const { c } = clock();
  c.set({ lo: DEP, hi: ARR });
  c.setTime(DEP - 5);
  assert.equal(c.t, DEP);
  assert.equal(c.nextStop(-1), null);  // the stop a day before is outside
  c.step(1);  // a 500th of the domain, at least a minute
  assert.equal(c.t, DEP + MIN);
  c.set({ lo: DEP - 86400000, hi: ARR + 86400000 });
  c.setTime(DEP);
  c.step(1);
  assert.equal(c.t, DEP + (ARR - DEP + 2 * 86400000) / 500);
});

for (const speed of [1, 60, 600, 3600, 86400]) {
  test(`playing at ${speed}x advances the clock by ${speed} times the real time elapsed`, () => {
    const { c, run } = clock();
    c.set({ t: DEP, speed });
    c.play();
    run(16); run(16); run(1000);
    assert.equal(c.t, Math.min(c.hi, DEP + speed * 1032));
  });
}

test("playing stops at the end of the domain", () => {
  const { c, run } = clock();
  c.set({ t: ARR, speed: 86400 });
  c.play();
  run(1000);
  assert.equal(c.t, c.hi);
  assert.equal(c.playing, false);
});

test("event by event: one stop a second", () => {
  const { c, run } = clock();
  c.set({ t: DEP - 86400000, speed: "event" });
  c.play();
  run(500);
  assert.equal(c.t, DEP - 86400000);
  run(600);
  assert.equal(c.t, DEP);
  run(1000);
  assert.equal(c.t, ARR);
});

test("the default speed plays a night at 600x and years in about a minute", () => {
  assert.equal(GEO.defaultSpeed(DEP, ARR), 600);
  const years = GEO.defaultSpeed(Date.UTC(2017, 0, 1), Date.UTC(2025, 11, 1));
  assert.ok((Date.UTC(2025, 11, 1) - Date.UTC(2017, 0, 1)) / 1000 / years <= 90);
});
