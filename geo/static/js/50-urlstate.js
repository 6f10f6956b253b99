/* The document's state in its URL fragment, so a link is a view:
 *   #t=2025-03-13T23:30:00Z&zoom=6&lat=45.1&lon=44.2&mode=window&window=P1D&tz=Asia/Baku
 *   (&view=<id>&start=2025-03-13&end=2025-03-14)
 * parse() keeps what is valid and says, in a note for each, what it ignored; format() writes
 * the fragment back. No DOM here.
 */
(function () {
  "use strict";

  var TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
  var DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
  var DURATION = /^P(?:(\d+)Y)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/;
  var MAX_SHOWN = 40;  // characters of a bad value quoted back in a note

  function shown(value) {
    var text = String(value);
    return text.length > MAX_SHOWN ? text.slice(0, MAX_SHOWN) + "…" : text;
  }

  // ISO 8601 durations of years (365 days), weeks, days, hours, minutes -> ms (or null).
  GEO.parseDuration = function (text) {
    var m = DURATION.exec(text);
    if (!m || text === "P" || /T$/.test(text)) return null;
    var n = m.slice(1).map(function (x) { return x ? Number(x) : 0; });
    var ms = ((365 * n[0] + 7 * n[1] + n[2]) * 24 + n[3]) * GEO.HOUR + n[4] * GEO.MINUTE;
    return ms > 0 && ms <= 3650 * GEO.DAY ? ms : null;
  };
  // ms -> its ISO 8601 text ("P1D", "PT6H"); durations in words are geo.timeline's.
  GEO.isoDuration = function (ms) {
    var units = [["Y", GEO.YEAR], ["W", 7 * GEO.DAY], ["D", GEO.DAY]];
    for (var k = 0; k < units.length; k++) {
      if (ms % units[k][1] === 0) return "P" + ms / units[k][1] + units[k][0];
    }
    if (ms % GEO.HOUR === 0) return "PT" + ms / GEO.HOUR + "H";
    return "PT" + Math.round(ms / GEO.MINUTE) + "M";
  };

  GEO.parseTime = function (text) {  // RFC 3339 (an offset or Z required) -> ms, or null
    var m = TIME.exec(text);
    if (!m) return null;
    var t = Date.parse(text);
    var month = Number(m[2]), day = Number(m[3]);
    if (!isFinite(t) || month < 1 || month > 12 || day < 1 || day > 31 || Number(m[4]) > 23 ||
        Number(m[5]) > 59 || (m[6] && Number(m[6]) > 59)) return null;
    var check = new Date(Date.UTC(Number(m[1]), month - 1, day));
    return check.getUTCDate() === day ? t : null;
  };
  GEO.formatTime = function (t) {  // 2025-03-13T23:30:00Z
    return new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
  };
  function parseDate(text, end) {  // an inclusive UTC date -> its first ms (or the day after)
    var m = DATE.exec(text);
    if (!m) return null;
    var t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    if (new Date(t).toISOString().slice(0, 10) !== text) return null;
    return end ? t + GEO.DAY : t;
  }
  function formatDate(t, end) {
    return new Date(end ? t - 1 : t).toISOString().slice(0, 10);
  }

  GEO.isZone = function (name) {
    try {
      new Intl.DateTimeFormat("en-GB", { timeZone: name });
      return true;
    } catch (_) {
      return false;
    }
  };

  // The fragment (with or without '#') -> {state, notes}; ctx.views: the known view ids.
  GEO.parseFragment = function (hash, ctx) {
    var state = {}, notes = [], seen = {};
    var text = String(hash || "").replace(/^#/, "");
    if (!text) return { state: state, notes: notes };
    function note(key, value, why) {
      var line = key + ": '" + shown(value) + "' " + why + "; ignored";
      if (!seen[line]) { seen[line] = true; notes.push(line); }
    }
    text.split("&").forEach(function (pair) {
      if (!pair) return;
      var at = pair.indexOf("="), key, value;
      try {
        key = decodeURIComponent(at < 0 ? pair : pair.slice(0, at));
        value = at < 0 ? "" : decodeURIComponent(pair.slice(at + 1).replace(/\+/g, " "));
      } catch (_) {
        note("link", pair, "is not readable");
        return;
      }
      var num = Number(value);
      if (key === "t") {
        var t = GEO.parseTime(value);
        if (t === null) note(key, value, "is not a time (write 2025-03-13T23:30:00Z)");
        else state.t = t;
      } else if (key === "zoom") {
        if (value === "" || !isFinite(num) || num < 0 || num > 19) note(key, value, "is not a zoom from 0 to 19");
        else state.zoom = num;
      } else if (key === "lat") {
        if (value === "" || !isFinite(num) || num < -90 || num > 90) note(key, value, "is not a latitude");
        else state.lat = num;
      } else if (key === "lon") {
        if (value === "" || !isFinite(num) || num < -540 || num > 540) note(key, value, "is not a longitude");
        else state.lon = num;
      } else if (key === "mode") {
        if (value !== "cumulative" && value !== "window") note(key, value, "is not cumulative or window");
        else state.mode = value;
      } else if (key === "window") {
        var w = GEO.parseDuration(value);
        if (w === null) note(key, value, "is not a duration (write P1D, PT6H, P7D or P1Y)");
        else state.windowMs = w;
      } else if (key === "tz") {
        if (!value || !GEO.isZone(value)) note(key, value, "is not an IANA time zone");
        else state.tz = value;
      } else if (key === "view") {
        if ((ctx.views || []).indexOf(value) < 0) note(key, value, "is not one of this map's views");
        else state.view = value;
      } else if (key === "start" || key === "end") {
        var d = parseDate(value, key === "end");
        if (d === null) note(key, value, "is not a date (YYYY-MM-DD)");
        else state[key] = d;
      } else if (key === "sel") {
        state.sel = value.split(",").filter(function (x) { return x; }).slice(0, 1000);
      } else {
        note(key, value, "is not something a link can set");
      }
    });
    if ((state.lat === undefined) !== (state.lon === undefined)) {
      notes.push("lat and lon go together; the one given was ignored");
      delete state.lat; delete state.lon;
    }
    if (state.start !== undefined && state.end !== undefined && state.end <= state.start) {
      notes.push("end is before start; the dates were ignored");
      delete state.start; delete state.end;
    }
    return { state: state, notes: notes };
  };

  GEO.formatFragment = function (s) {
    var parts = [];
    function add(key, value) { parts.push(key + "=" + encodeURIComponent(value)); }
    if (s.view) add("view", s.view);
    if (s.t !== undefined) add("t", GEO.formatTime(s.t));
    if (s.zoom !== undefined) add("zoom", String(Math.round(s.zoom * 10) / 10));
    if (s.lat !== undefined) add("lat", s.lat.toFixed(4));
    if (s.lon !== undefined) add("lon", s.lon.toFixed(4));
    if (s.mode) add("mode", s.mode);
    if (s.mode === "window" && s.windowMs) add("window", GEO.isoDuration(s.windowMs));
    if (s.tz) add("tz", s.tz);
    if (s.start !== undefined) add("start", formatDate(s.start, false));
    if (s.end !== undefined) add("end", formatDate(s.end, true));
    return parts.join("&");
  };
})();
