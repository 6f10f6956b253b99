/* Events over time, for the histogram along the slider: how many events start in each of
 * `buckets` equal slices of [lo, hi] (t0 sorted ascending; `keep(i)` filters), and whether
 * the bars need a log scale (a few tall bars would flatten the rest).
 */
(function () {
  "use strict";

  GEO.histogram = function (t0, lo, hi, buckets, keep) {
    var counts = new Float64Array(buckets), size = (hi - lo) / buckets;
    var first = GEO.lowerBound(t0, lo), last = GEO.upperBound(t0, hi);
    for (var i = first; i < last; i++) {
      if (keep && !keep(i)) continue;
      counts[Math.min(buckets - 1, Math.floor((t0[i] - lo) / size))]++;
    }
    var nonzero = Array.prototype.filter.call(counts, function (c) { return c > 0; })
      .sort(function (a, b) { return a - b; });
    var max = nonzero.length ? nonzero[nonzero.length - 1] : 0;
    var median = nonzero.length ? nonzero[nonzero.length >> 1] : 0;
    var log = max > 20 * median;
    var heights = Array.prototype.map.call(counts, function (c) {
      if (!c) return 0;
      return log ? Math.log(1 + c) / Math.log(1 + max) : c / max;
    });
    return { counts: counts, heights: heights, max: max, log: log, size: size };
  };
})();
