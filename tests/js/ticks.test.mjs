import { test } from "node:test";
import assert from "node:assert/strict";
import { load, plain } from "./load.mjs";

const GEO = load();
const H = 3600000, D = 24 * H;

test("a 48-hour chapter gets hourly ticks on round hours, dates at midnight", () => {
  const lo = Date.UTC(2025, 2, 13), hi = Date.UTC(2025, 2, 15);
  const ticks = plain(GEO.timeTicks(lo, hi, 600, "UTC"));
  assert.ok(ticks.length >= 3, ticks.length);
  const step = ticks[1].t - ticks[0].t;
  assert.ok([3 * H, 6 * H].includes(step), step);
  assert.ok(ticks.every((k) => k.t % H === 0));
  const midnight = ticks.find((k) => k.t === Date.UTC(2025, 2, 14));
  assert.deepEqual(midnight, { t: Date.UTC(2025, 2, 14), label: "14 Mar", major: true });
  assert.ok(ticks.some((k) => /^\d\d:00$/.test(k.label) && !k.major));
});

test("the ticks are round in the display zone", () => {
  const lo = Date.UTC(2025, 2, 13), hi = Date.UTC(2025, 2, 15);
  const baku = plain(GEO.timeTicks(lo, hi, 600, "Asia/Baku"));  // UTC+4
  const midnight = baku.find((k) => k.label === "14 Mar");
  assert.equal(midnight.t, Date.UTC(2025, 2, 13, 20));
});

test("8.8 years get yearly ticks labelled by year (every other year when narrower)", () => {
  const lo = Date.UTC(2017, 1, 16), hi = Date.UTC(2025, 11, 1);
  assert.deepEqual(plain(GEO.timeTicks(lo, hi, 600, "UTC")).map((k) => k.label),
                   ["2018", "2020", "2022", "2024"]);
  const ticks = plain(GEO.timeTicks(lo, hi, 800, "UTC"));
  assert.deepEqual(ticks.map((k) => k.label), ["2018", "2019", "2020", "2021", "2022", "2023", "2024", "2025"]);
  assert.equal(ticks[0].t, Date.UTC(2018, 0, 1));
});

test("the step follows the span and the width: minutes to decades", () => {
  assert.deepEqual(plain(GEO.tickStep(0, H, 600, 70)), ["minute", 10]);
  assert.deepEqual(plain(GEO.tickStep(0, 60 * D, 600, 70)), ["day", 7]);
  assert.deepEqual(plain(GEO.tickStep(0, 365 * D, 600, 70)), ["month", 2]);
  assert.deepEqual(plain(GEO.tickStep(0, 100 * 365 * D, 600, 70)), ["year", 20]);
  const months = plain(GEO.timeTicks(Date.UTC(2024, 10, 5), Date.UTC(2025, 9, 5), 900, "UTC"));
  assert.deepEqual(months.slice(0, 3).map((k) => k.label), ["Dec", "2025", "Feb"]);
});

test("ticks across a DST change stay on round local hours", () => {
  // Europe/Berlin springs forward at 01:00 UTC on 30 Mar 2025
  const ticks = plain(GEO.timeTicks(Date.UTC(2025, 2, 29, 12), Date.UTC(2025, 2, 30, 12), 600, "Europe/Berlin"));
  for (const k of ticks) {
    const p = GEO.localParts(k.t, "Europe/Berlin");
    assert.equal(p[4], 0);
    assert.equal(p[3] % 3, 0, k.label);
  }
});

test("a histogram bin says its span and count", () => {
  assert.equal(GEO.binLabel(Date.UTC(2025, 2, 13, 22), Date.UTC(2025, 2, 13, 23), 2, "UTC"),
               "13 Mar 2025, 22:00–23:00: 2 events");
  assert.equal(GEO.binLabel(Date.UTC(2017, 0, 1), Date.UTC(2017, 1, 1), 1, "UTC"),
               "1 Jan 2017 – 1 Feb 2017: 1 event");
});
