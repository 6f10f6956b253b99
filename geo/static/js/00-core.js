/* The page's namespace and small shared helpers (no Leaflet, no data).
 *
 * The page's script is these files concatenated in name order by geo/render.py, each adding
 * to one global, GEO. The files under 60 touch no DOM or Leaflet and run in node's test
 * runner (tests/js/).
 */
var GEO = GEO || {};
(function () {
  "use strict";

  // The first index k with arr[k] >= x (arr sorted ascending).
  GEO.lowerBound = function (arr, x, lo, hi) {
    lo = lo || 0;
    hi = hi === undefined ? arr.length : hi;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (arr[mid] < x) lo = mid + 1; else hi = mid;
    }
    return lo;
  };

  // The first index k with arr[k] > x.
  GEO.upperBound = function (arr, x, lo, hi) {
    lo = lo || 0;
    hi = hi === undefined ? arr.length : hi;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (arr[mid] <= x) lo = mid + 1; else hi = mid;
    }
    return lo;
  };

  GEO.clamp = function (x, lo, hi) { return x < lo ? lo : x > hi ? hi : x; };

  // Web Mercator, 0..1 across the world: [x, y].
  GEO.mercator = function (lat, lon) {
    var s = Math.sin(GEO.clamp(lat, -85.0511, 85.0511) * Math.PI / 180);
    return [(lon + 180) / 360, 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)];
  };

  // A sorted copy of numbers without duplicates, as a Float64Array.
  GEO.uniqueSorted = function (values) {
    var a = Float64Array.from(values).sort(), m = 0;
    for (var k = 0; k < a.length; k++) {
      if (k === 0 || a[k] !== a[m - 1]) a[m++] = a[k];
    }
    return a.slice(0, m);
  };

  // A minimal event emitter: on(name, fn), emit(name, arg).
  GEO.Emitter = function () { this._handlers = {}; };
  GEO.Emitter.prototype.on = function (name, fn) {
    (this._handlers[name] = this._handlers[name] || []).push(fn);
    return this;
  };
  GEO.Emitter.prototype.emit = function (name, arg) {
    (this._handlers[name] || []).forEach(function (fn) { fn(arg); });
  };

  var HOUR = 3600000, DAY = 24 * HOUR;
  GEO.MINUTE = 60000;
  GEO.HOUR = HOUR;
  GEO.DAY = DAY;
  GEO.YEAR = 365 * DAY;
})();
