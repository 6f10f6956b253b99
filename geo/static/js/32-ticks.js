/* The clock's axis: dated ticks along the slider, at a step that suits the span and the
 * slider's width (minutes … decades), on round times of the display zone; and the words for
 * a histogram bin. No DOM: tests/js/ticks.test.mjs runs it.
 */
(function () {
  "use strict";

  var MIN = 60000, HOUR = 60 * MIN, DAY = 24 * HOUR, MONTH = 30.44 * DAY, YEAR = 365.25 * DAY;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var UNIT_MS = { minute: MIN, hour: HOUR, day: DAY, month: MONTH, year: YEAR };
  GEO.TICK_STEPS = [
    ["minute", 1], ["minute", 5], ["minute", 10], ["minute", 15], ["minute", 30],
    ["hour", 1], ["hour", 2], ["hour", 3], ["hour", 6], ["hour", 12],
    ["day", 1], ["day", 2], ["day", 7], ["day", 14],
    ["month", 1], ["month", 2], ["month", 3], ["month", 6],
    ["year", 1], ["year", 2], ["year", 5], ["year", 10], ["year", 20], ["year", 50]
  ];

  var formatters = {};
  // The wall-clock fields of instant t in zone tz: [year, month (1-12), day, hour, minute].
  GEO.localParts = function (t, tz) {
    var f = formatters[tz];
    if (!f) {
      try {
        f = new Intl.DateTimeFormat("en-GB", { timeZone: tz, year: "numeric", month: "numeric",
          day: "numeric", hour: "numeric", minute: "numeric", second: "numeric", hourCycle: "h23" });
      } catch (_) {
        f = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", year: "numeric", month: "numeric",
          day: "numeric", hour: "numeric", minute: "numeric", second: "numeric", hourCycle: "h23" });
      }
      formatters[tz] = f;
    }
    var p = {};
    f.formatToParts(new Date(t)).forEach(function (x) { p[x.type] = Number(x.value); });
    return [p.year, p.month, p.day, p.hour % 24, p.minute, p.second];
  };
  // The zone's offset at t (ms to add to UTC for the wall clock).
  function offset(t, tz) {
    var p = GEO.localParts(t, tz), s = Math.floor(t / 1000) * 1000;
    return Date.UTC(p[0], p[1] - 1, p[2], p[3], p[4], p[5]) - s;
  }
  // The instant whose wall clock in tz reads `local` (a wall time written as UTC ms).
  function instant(local, tz) {
    var t = local - offset(local, tz);
    return local - offset(t, tz);
  }

  // The step for ticks at least minPx apart on a slider `width` px wide over [lo, hi].
  GEO.tickStep = function (lo, hi, width, minPx) {
    var perPx = Math.max(1, hi - lo) / Math.max(1, width);
    for (var k = 0; k < GEO.TICK_STEPS.length; k++) {
      var s = GEO.TICK_STEPS[k];
      if (UNIT_MS[s[0]] * s[1] / perPx >= minPx) return s;
    }
    return GEO.TICK_STEPS[GEO.TICK_STEPS.length - 1];
  };

  function pad(n) { return n < 10 ? "0" + n : String(n); }
  // A tick's words: the time of day within a day (the date at midnight), the day, the month
  // (the year at January), the year.
  function words(p, unit) {
    if (unit === "year") return String(p[0]);
    if (unit === "month") return p[1] === 1 ? String(p[0]) : MONTHS[p[1] - 1];
    if (unit === "day") return p[2] === 1 && p[1] === 1 ? String(p[0]) : p[2] + " " + MONTHS[p[1] - 1];
    if (p[3] === 0 && p[4] === 0) return p[2] + " " + MONTHS[p[1] - 1];
    return pad(p[3]) + ":" + pad(p[4]);
  }

  // Ticks over [lo, hi] on a slider `width` px wide in zone tz: [{t, label, major}], on round
  // wall-clock times (a major tick starts a larger unit: a day, a year).
  GEO.timeTicks = function (lo, hi, width, tz, minPx) {
    var step = GEO.tickStep(lo, hi, width, minPx || 70), unit = step[0], n = step[1];
    var p0 = GEO.localParts(lo, tz), out = [], local, guard = 0;
    function push(localMs) {
      var t = instant(localMs, tz);
      if (t < lo || t > hi) return;
      var p = GEO.localParts(t, tz);
      var major = unit === "minute" || unit === "hour" ? p[3] === 0 && p[4] === 0
        : unit === "year" ? true : p[1] === 1 && (unit !== "day" || p[2] === 1);
      out.push({ t: t, label: words(p, unit), major: major });
    }
    if (unit === "month" || unit === "year") {
      var y = p0[0], m = unit === "year" ? 0 : p0[1] - 1;
      if (unit === "year") y -= ((y % n) + n) % n; else m -= m % n;
      for (; guard < 1000; guard++) {
        local = Date.UTC(y, m, 1);
        if (local - 14 * HOUR > hi + offset(hi, tz)) break;
        push(local);
        if (unit === "year") y += n; else { m += n; if (m >= 12) { y += Math.floor(m / 12); m %= 12; } }
      }
      return out;
    }
    var size = UNIT_MS[unit] * n, startLocal = lo + offset(lo, tz);
    var first = unit === "day" && n === 7  // weeks on Mondays
      ? Math.floor((startLocal - 4 * DAY) / size) * size + 4 * DAY
      : Math.floor(startLocal / size) * size;
    var end = hi + offset(hi, tz);
    for (local = first; local <= end + size && guard < 2000; local += size, guard++) push(local);
    return out;
  };

  // A histogram bin's words: its span in the display zone and its count.
  GEO.binLabel = function (from, to, count, tz) {
    var a = GEO.localParts(from, tz), b = GEO.localParts(to, tz);
    function day(p) { return p[2] + " " + MONTHS[p[1] - 1] + " " + p[0]; }
    function time(p) { return pad(p[3]) + ":" + pad(p[4]); }
    var sameDay = a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
    var text = to - from < DAY ? (sameDay ? day(a) + ", " + time(a) + "–" + time(b)
      : day(a) + " " + time(a) + " – " + day(b) + " " + time(b)) : day(a) + " – " + day(b);
    return text + ": " + count + (count === 1 ? " event" : " events");
  };
})();
