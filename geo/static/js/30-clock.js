/* The clock: the time model the layers and controls subscribe to.
 *
 * Time is continuous (ms since the epoch); stops (every event's start, every flight's
 * arrival) are only for stepping. The slider spans a domain [lo, hi] (a view's span, or the
 * data's); the display mode decides what is shown at t (see 35-phase.js). Playback runs at a
 * real-time multiple, or event by event. Emits "change" with the names of what changed.
 */
(function () {
  "use strict";

  var S = 1000, H = GEO.HOUR, D = GEO.DAY;
  GEO.SPEEDS = [
    ["1×", 1], ["60×", 60], ["600×", 600], ["1 h/s", H / S], ["6 h/s", 6 * H / S],
    ["1 day/s", D / S], ["1 week/s", 7 * D / S], ["30 days/s", 30 * D / S],
    ["1 year/s", GEO.YEAR / S], ["event by event", "event"]
  ];
  GEO.WINDOWS = [
    ["± 1 hour", H], ["± 6 hours", 6 * H], ["± 1 day", D], ["± 1 week", 7 * D],
    ["± 30 days", 30 * D], ["± 1 year", GEO.YEAR]
  ];
  var EVENT_STEP_MS = 1000;  // event by event: one stop a second

  // A speed that plays the domain in about a minute (600× for a night or two).
  GEO.defaultSpeed = function (lo, hi) {
    var span = (hi - lo) / S;
    if (span <= 3 * D / S) return 600;
    for (var k = 0; k < GEO.SPEEDS.length; k++) {
      var v = GEO.SPEEDS[k][1];
      if (typeof v === "number" && span / v <= 90) return v;
    }
    return GEO.SPEEDS[GEO.SPEEDS.length - 2][1];
  };

  GEO.Clock = function (opts) {
    GEO.Emitter.call(this);
    this.stops = opts.stops;            // Float64Array, sorted, unique
    this.span = opts.span;              // [lo, hi] of the whole data
    this.now = opts.now || function () { return Date.now(); };
    this.raf = opts.raf || function (fn) { return setTimeout(function () { fn(Date.now()); }, 16); };
    this.cancel = opts.cancel || clearTimeout;
    this.t = opts.span[1];
    this.lo = opts.span[0];
    this.hi = opts.span[1];
    this.mode = "cumulative";
    this.windowMs = D;
    this.tz = opts.tz || "UTC";
    this.speed = GEO.defaultSpeed(this.lo, this.hi);
    this.playing = false;
    this._frame = null;
  };
  GEO.Clock.prototype = Object.create(GEO.Emitter.prototype);

  // Change several things at once; one "change" event names them.
  GEO.Clock.prototype.set = function (changes) {
    var changed = {}, self = this;
    if ("lo" in changes || "hi" in changes) {
      var lo = "lo" in changes ? changes.lo : this.lo, hi = "hi" in changes ? changes.hi : this.hi;
      if (!(hi > lo)) { lo = this.span[0]; hi = Math.max(this.span[1], lo + 1); }
      if (lo !== this.lo || hi !== this.hi) { this.lo = lo; this.hi = hi; changed.domain = true; }
    }
    ["mode", "windowMs", "tz", "speed"].forEach(function (key) {
      if (key in changes && changes[key] !== self[key]) { self[key] = changes[key]; changed[key] = true; }
    });
    var t = "t" in changes ? changes.t : this.t;
    t = GEO.clamp(t, this.lo, this.hi);
    if (t !== this.t) { this.t = t; changed.t = true; }
    if (Object.keys(changed).length) this.emit("change", changed);
    return changed;
  };

  GEO.Clock.prototype.setTime = function (t) { return this.set({ t: t }); };

  // A small step of the slider: a 500th of the domain, at least a minute.
  GEO.Clock.prototype.step = function (dir, fraction) {
    var size = Math.max(GEO.MINUTE, (this.hi - this.lo) * (fraction || 1 / 500));
    return this.setTime(this.t + dir * size);
  };

  // The previous or next stop from wherever the clock is (mid-flight too), within the domain.
  GEO.Clock.prototype.nextStop = function (dir) {
    var s = this.stops, k;
    if (dir > 0) {
      k = GEO.upperBound(s, this.t);
      return k < s.length && s[k] <= this.hi ? s[k] : null;
    }
    k = GEO.lowerBound(s, this.t) - 1;
    return k >= 0 && s[k] >= this.lo ? s[k] : null;
  };
  GEO.Clock.prototype.jump = function (dir) {
    var t = this.nextStop(dir);
    if (t === null) return false;
    this.setTime(t);
    return true;
  };

  GEO.Clock.prototype.play = function () {
    if (this.playing) return;
    if (this.t >= this.hi) this.setTime(this.lo);
    this.playing = true;
    this._last = this.now();
    this._acc = 0;
    this.emit("change", { playing: true });
    this._schedule();
  };
  GEO.Clock.prototype.pause = function () {
    if (!this.playing) return;
    this.playing = false;
    if (this._frame !== null) this.cancel(this._frame);
    this._frame = null;
    this.emit("change", { playing: true });
  };
  GEO.Clock.prototype.toggle = function () { if (this.playing) this.pause(); else this.play(); };
  GEO.Clock.prototype._schedule = function () {
    var self = this;
    // the clock's own now(), not the frame's timestamp (which may precede the last tick)
    this._frame = this.raf(function () { self._tick(self.now()); });
  };
  // One frame of playback: the clock advances by the real time elapsed times the speed.
  GEO.Clock.prototype._tick = function (now) {
    this._frame = null;
    if (!this.playing) return;
    var elapsed = Math.max(0, now - this._last);
    this._last = now;
    if (this.speed === "event") {
      this._acc += elapsed;
      if (this._acc >= EVENT_STEP_MS) {
        this._acc = 0;
        if (!this.jump(1)) { this.pause(); return; }
      }
    } else {
      var t = this.t + elapsed * this.speed;
      if (t >= this.hi) { this.setTime(this.hi); this.pause(); return; }
      this.setTime(t);
    }
    this._schedule();
  };
})();
