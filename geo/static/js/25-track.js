/* A recorded flight track (ADS-B) on the page: its drawn fixes (geo/tracks/link.py: simplified
 * with time kept, so the aircraft moved along them stays within about 100 m of the record at
 * every fix's time) joined geodesic by geodesic, the aircraft interpolated between the fixes
 * around the clock's time (geo.tracks.positions_at does the same on all fixes), and the path
 * cut into solid pieces and coverage gaps (drawn dashed). No DOM, no Leaflet.
 */
(function () {
  "use strict";

  // Track r of the model: {points [lat, lon, ...] (longitudes unrolled, so a path over the
  // antimeridian stays continuous), times (ms) and fixAt (vertex index) per fix, segs (the
  // geodesic from each fix to the next), gaps [[first vertex, last vertex], ...]}.
  function shape(m, r) {
    var R = m.recorded, a = R.fixes[r], n = R.fixes[r + 1] - a, rule = m.meta.rule;
    var pts = [R.lat[a], R.lon[a]], times = new Float64Array(n), fixAt = new Uint32Array(n);
    var segs = [], gaps = [];
    times[0] = R.t[a];
    for (var q = 1; q < n; q++) {
      times[q] = R.t[a + q];
      var last = pts.length - 2, startV = last / 2;
      var g = GEO.geodesic.line(pts[last], pts[last + 1], R.lat[a + q], R.lon[a + q]);
      var v = GEO.geodesic.points(g, GEO.geodesic.arcPoints(g.s13 / 1000, rule));
      for (var w = 2; w < v.length; w++) pts.push(v[w]);
      segs.push(g);
      fixAt[q] = pts.length / 2 - 1;
      if (R.gap[a + q - 1]) gaps.push([startV, fixAt[q]]);
    }
    return { points: Float64Array.from(pts), times: times, fixAt: fixAt, segs: segs, gaps: gaps,
             dep: times[0], arr: times[n - 1], rule: rule };
  }

  // Where the aircraft is at t on track c: {lat, lon, azi, k (vertices passed)}. Before the
  // first fix it waits there, after the last it stays there; headings are the geodesic's.
  function at(c, t) {
    var T = c.times, n = T.length, segs = c.segs;
    if (n < 2) return { lat: c.points[0], lon: c.points[1], azi: 0, k: 0 };
    var lo = 0;  // the segment: T[lo] <= t < T[lo + 1], clamped to the first and last
    if (t >= T[n - 1]) {
      lo = n - 2;
    } else if (t > T[0]) {
      var hi = n - 1;
      while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (T[mid] <= t) lo = mid; else hi = mid; }
    }
    var u = GEO.clamp((t - T[lo]) / (T[lo + 1] - T[lo]), 0, 1);
    var pos = GEO.geodesic.at(segs[lo], u, c.rule), a = c.fixAt[lo], b = c.fixAt[lo + 1];
    if (u === 0 || u === 1) {  // at a fix: the fix itself, as positions_at gives it
      var v = u === 0 ? a : b;
      pos.lat = c.points[2 * v]; pos.lon = c.points[2 * v + 1];
    }
    pos.k = u >= 1 ? b : Math.min(b - 1, a + Math.floor(u * (b - a) + 1e-9));
    return pos;
  }

  // The path up to vertex k, or all of it, as vertex ranges: {solid, gaps}, each a list of
  // [first, last] (the last range ends at k; the aircraft's position follows it).
  function ranges(c, k) {
    var last = k === undefined ? c.points.length / 2 - 1 : k, solid = [], gaps = [], from = 0;
    for (var q = 0; q < c.gaps.length && c.gaps[q][0] <= last; q++) {
      var g = c.gaps[q];
      solid.push([from, g[0]]);
      if (g[1] > last) { gaps.push([g[0], last]); return { solid: solid, gaps: gaps, tailIn: "gaps" }; }
      gaps.push([g[0], g[1]]);
      from = g[1];
    }
    solid.push([from, last]);
    return { solid: solid, gaps: gaps, tailIn: "solid" };
  }

  // The same as lists of pieces, each a list of [lat, lon]; `tail` (the aircraft) ends the
  // last piece.
  function pieces(c, k, tail) {
    var P = c.points, r = ranges(c, k);
    function piece(range) {
      var out = [];
      for (var v = range[0]; v <= range[1]; v++) out.push([P[2 * v], P[2 * v + 1]]);
      return out;
    }
    var out = { solid: r.solid.map(piece), gaps: r.gaps.map(piece) };
    if (tail) { var list = out[r.tailIn]; list[list.length - 1].push(tail); }
    return out;
  }

  GEO.track = { shape: shape, at: at, ranges: ranges, pieces: pieces };
})();
