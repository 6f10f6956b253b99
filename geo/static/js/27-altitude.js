/* A recorded track coloured by altitude (tar1090's scale; the colours come from geo/style.py
 * in meta.style.altitude, one per 1,000 ft band): the track's segments from fix to fix, each
 * coloured by the recorded altitude at its middle (the profile, interpolated in time),
 * joined into runs of one colour; coverage gaps are left out (they are drawn dashed).
 * No DOM, no Leaflet.
 */
(function () {
  "use strict";

  // The colour of an altitude (ft; negative: unknown) from the payload's table.
  GEO.altitudeColor = function (scale, altFt) {
    if (!(altFt >= 0)) return scale.unknown;
    var k = Math.min(scale.colors.length - 1, Math.round(altFt / scale.band_ft));
    return scale.colors[k];
  };

  // Recorded altitude of track r at time t (ms), linear between profile points; -1 unknown.
  GEO.altitudeAt = function (R, r, t) {
    var a = R.profile[r], b = R.profile[r + 1];
    if (b <= a) return -1;
    var hi = GEO.lowerBound(R.pt, t, a, b);
    if (hi <= a) return R.alt[a];
    if (hi >= b) return R.alt[b - 1];
    var p = R.alt[hi - 1], q = R.alt[hi];
    if (p < 0 || q < 0) return p < 0 ? q : p;
    var u = (t - R.pt[hi - 1]) / Math.max(1, R.pt[hi] - R.pt[hi - 1]);
    return p + (q - p) * u;
  };

  // Runs of one colour along track r's shape c, up to vertex k (all: undefined), `tail`
  // ([lat, lon], the aircraft) ending the last: [{color, points: [[lat, lon], ...]}].
  GEO.altitudeRuns = function (m, r, c, k, tail) {
    var R = m.recorded, scale = m.meta.style.altitude, a = R.fixes[r], P = c.points;
    var last = k === undefined ? P.length / 2 - 1 : k, runs = [], run = null;
    for (var q = 0; q + 1 < c.times.length && c.fixAt[q] < last + (tail ? 1 : 0); q++) {
      if (R.gap[a + q]) { run = null; continue; }  // no record here: the dashed gap shows it
      var color = GEO.altitudeColor(scale, GEO.altitudeAt(R, r, (c.times[q] + c.times[q + 1]) / 2));
      var from = c.fixAt[q], to = Math.min(c.fixAt[q + 1], last);
      if (!run || run.color !== color) {
        run = { color: color, points: [[P[2 * from], P[2 * from + 1]]] };
        runs.push(run);
      }
      for (var v = from + 1; v <= to; v++) run.points.push([P[2 * v], P[2 * v + 1]]);
      if (tail && c.fixAt[q + 1] > last) { run.points.push(tail); break; }
    }
    return runs;
  };
})();
