/* Co-located events: the places that fall in one cell of a screen grid at the current zoom
 * are one marker. Events at one place are always together; nearby places join as the map
 * zooms out. A cluster sits on its busiest place (a real spot, not a centroid in the sea).
 */
(function () {
  "use strict";

  // The radius in px of a marker standing for n events (geo.style.cluster_radius), from the
  // payload's mark style.
  GEO.clusterRadius = function (mk, n) {
    return mk.cluster_radius + mk.cluster_growth_px * Math.log10(n);
  };

  // px, py: each place's pixel position; count: how many shown events each place has;
  // cellPx: the grid (the payload's rule.clusterCellPx, geo.style.CLUSTER_CELL_PX).
  // Returns [{x, y, places: [k, ...], n}], the places of a cluster by falling count.
  GEO.cluster = function (px, py, count, cellPx) {
    var cells = new Map(), out = [];
    for (var k = 0; k < count.length; k++) {
      if (!count[k]) continue;
      var key = Math.floor(px[k] / cellPx) * 1048576 + Math.floor(py[k] / cellPx);
      var c = cells.get(key);
      if (!c) { c = { x: px[k], y: py[k], places: [], n: 0, top: -1 }; cells.set(key, c); out.push(c); }
      c.places.push(k);
      c.n += count[k];
      if (c.top < 0 || count[k] > count[c.top]) { c.top = k; c.x = px[k]; c.y = py[k]; }
    }
    out.forEach(function (c) {
      c.places.sort(function (a, b) { return count[b] - count[a] || a - b; });
    });
    return out;
  };
})();
