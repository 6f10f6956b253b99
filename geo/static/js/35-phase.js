/* What an event is at time t. Every event is the half-open interval [t0, t1) (Python:
 * geo.timeline.exclusive_end), so at t it is
 *   not yet (t < t0), possibly under way (t0 <= t < t1), or done (t >= t1).
 * A day-precise meeting is "possibly under way" all that local day: the source does not say
 * when in the day it was. Cumulative mode shows what is done or possibly under way; window
 * mode what overlaps [t - w, t + w] (and says which of those are still to come).
 */
(function () {
  "use strict";

  var HIDDEN = 0, COMING = 1, UNDERWAY = 2, DONE = 3;
  GEO.PHASE = { HIDDEN: HIDDEN, COMING: COMING, UNDERWAY: UNDERWAY, DONE: DONE };

  GEO.phaseAt = function (t0, t1, t) {
    return t < t0 ? COMING : t < t1 ? UNDERWAY : DONE;
  };

  // The state of one event at t in a mode: HIDDEN, COMING (window mode only), UNDERWAY, DONE.
  GEO.stateAt = function (t0, t1, t, mode, windowMs) {
    if (mode === "window") {
      if (t0 > t + windowMs || t1 <= t - windowMs) return HIDDEN;
      return GEO.phaseAt(t0, t1, t);
    }
    return t < t0 ? HIDDEN : t < t1 ? UNDERWAY : DONE;
  };

  // Every event's state at t into out (a Uint8Array); returns how many are shown.
  GEO.statesAt = function (t0, t1, t, mode, windowMs, out) {
    var shown = 0, n = t0.length;
    for (var i = 0; i < n; i++) {
      var s = GEO.stateAt(t0[i], t1[i], t, mode, windowMs);
      out[i] = s;
      if (s !== HIDDEN) shown++;
    }
    return shown;
  };
})();
