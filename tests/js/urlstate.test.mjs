import { test } from "node:test";
import assert from "node:assert/strict";
import { load, plain } from "./load.mjs";

const GEO = load();
const CTX = { views: ["flight-night", "baku-precedents"] };

test("a link is a view: every part read", () => {
  const { state, notes } = GEO.parseFragment(
    "#t=2025-03-13T23:30:00Z&zoom=6&lat=45.1&lon=44.2&mode=window&window=P1D&tz=Asia/Baku&view=flight-night",
    CTX,
  );
  assert.deepEqual(plain(notes), []);
  assert.equal(state.t, Date.UTC(2025, 2, 13, 23, 30));
  assert.equal(state.zoom, 6);
  assert.deepEqual([state.lat, state.lon], [45.1, 44.2]);
  assert.equal(state.mode, "window");
  assert.equal(state.windowMs, 86400000);
  assert.equal(state.tz, "Asia/Baku");
  assert.equal(state.view, "flight-night");
});

test("offsets and minutes-only times are read; naive times are not", () => {
  assert.equal(GEO.parseTime("2025-03-14T01:54+03:00"), Date.UTC(2025, 2, 13, 22, 54));
  assert.equal(GEO.parseTime("2025-03-14T01:54"), null);
  assert.equal(GEO.parseTime("2025-02-30T00:00:00Z"), null);
});

test("invalid parts are ignored with a note each, never an error", () => {
  const { state, notes } = GEO.parseFragment(
    "t=yesterday&zoom=99&lat=95&lon=10&mode=sideways&window=forever&tz=Mars/Olympus&view=nope&x=1&%E0%A4%A=1",
    CTX,
  );
  assert.deepEqual(plain(state), {});
  assert.equal(notes.length, 10);
  assert.ok(notes[0].startsWith("t: 'yesterday' is not a time"));
  assert.ok(notes.some((n) => n.startsWith("lat and lon go together")));
});

test("a hostile value is quoted back short, and once", () => {
  const long = "<script>".repeat(50);
  const { notes } = GEO.parseFragment(`tz=${long}&tz=${long}`, CTX);
  assert.equal(notes.length, 1);
  assert.ok(notes[0].length < 100);
});

test("durations and the fragment round-trip", () => {
  for (const [text, ms] of [["P1D", 86400000], ["PT6H", 21600000], ["P1W", 604800000],
                            ["P1Y", 31536000000], ["PT90M", 5400000]]) {
    assert.equal(GEO.parseDuration(text), ms);
  }
  assert.equal(GEO.parseDuration("P"), null);
  assert.equal(GEO.parseDuration("PT"), null);
  assert.equal(GEO.isoDuration(86400000), "P1D");
  const s = { t: Date.UTC(2018, 11, 12, 10), zoom: 7, lat: 40.4, lon: 49.9, mode: "window",
              windowMs: 604800000, tz: "Asia/Baku", view: "baku-precedents" };
  const back = GEO.parseFragment(GEO.formatFragment(s), CTX).state;
  assert.deepEqual(plain(back), s);
});
