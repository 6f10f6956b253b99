/* Geodesics on the WGS84 ellipsoid, with GeographicLib (C. Karney, MIT; vendored beside this
 * script): the same algorithm pyproj's Geod runs, so the page's vertices are the ones
 * geo/geometry.py computes, and the aircraft is where geo.geodesy.position_at puts it.
 * The spacing rules come from the payload (meta.rule); nothing here invents its own.
 */
(function () {
  "use strict";

  function lib() { return GEO.global.geodesic.Geodesic; }

  function line(lat1, lon1, lat2, lon2) {
    var G = lib();
    var caps = G.LATITUDE | G.LONGITUDE | G.AZIMUTH | G.DISTANCE_IN | G.LONG_UNROLL;
    var l = G.WGS84.InverseLine(lat1, lon1, lat2, lon2, caps);
    return { line: l, s13: l.s13, lat1: lat1, lon1: lon1, lat2: lat2, lon2: lon2 };
  }

  // Position and heading a fraction of the way along g: {lat, lon (unwrapped from lon1), azi};
  // a zero-length g (shorter than rule.zeroLengthKm, geodesy.position_at's) stays at its start.
  function at(g, fraction, rule) {
    var G = lib();
    if (g.s13 < rule.zeroLengthKm * 1000) return { lat: g.lat1, lon: g.lon1, azi: 0 };
    var p = g.line.Position(g.s13 * fraction, G.LATITUDE | G.LONGITUDE | G.AZIMUTH |
                            G.LONG_UNROLL);
    return { lat: p.lat2, lon: p.lon2, azi: ((p.azi2 % 360) + 360) % 360 };
  }

  // n points evenly spaced along g, endpoints exactly its ends (the end's longitude moved by
  // whole turns to follow on), as [lat, lon, lat, lon, ...]: geodesy.arcs_ragged's vertices.
  function points(g, n) {
    var G = lib(), out = new Float64Array(2 * n);
    var flags = G.LATITUDE | G.LONGITUDE | G.LONG_UNROLL;
    for (var k = 0; k < n; k++) {
      if (k === 0) { out[0] = g.lat1; out[1] = g.lon1; continue; }
      var p = g.line.Position(g.s13 * k / (n - 1), flags);
      out[2 * k] = p.lat2; out[2 * k + 1] = p.lon2;
    }
    if (n > 1) {
      var last = out[2 * n - 1], end = g.lon2;
      out[2 * n - 2] = g.lat2;
      out[2 * n - 1] = end + 360 * Math.round((last - end) / 360);
    }
    return out;
  }

  // How many vertices an arc gets (geometry.arc_points) and how many segments a flight's
  // track (geometry.track_segments), from the rule in the payload.
  function arcPoints(km, rule) {
    return Math.max(2, Math.ceil(km / rule.arcStepKm - 1e-9) + 1);
  }
  function trackSegments(km, minutes, rule) {
    return Math.max(1, Math.ceil(km / rule.trackStepKm - 1e-9),
                    Math.ceil(minutes / rule.trackStepMinutes - 1e-9));
  }

  GEO.geodesic = { line: line, at: at, points: points, arcPoints: arcPoints,
                   trackSegments: trackSegments };
})();
