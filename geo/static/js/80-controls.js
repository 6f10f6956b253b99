/* Controls: the timeline (buttons, clock label, histogram, slider, mode, window, speed, zone,
 * count, whole span, copy link), the chapters (the document's views) and the note that says
 * what a link asked for and could not have. They read and set the clock; they draw nothing
 * on the map.
 */
(function () {
  "use strict";

  var el = GEO.el, RESOLUTION = 100000;  // slider positions across the domain

  function option(select, value, text) {
    var o = el("option", null, text);
    o.value = String(value);
    select.appendChild(o);
    return o;
  }
  function button(cls, text, title) {
    var b = el("button", cls, text);
    b.type = "button";
    if (title) { b.title = title; b.setAttribute("aria-label", title); }
    return b;
  }

  // The clock's label: at a stop of a day-, month- or season-precise event, that event's own
  // words ("16 Feb 2017 (Baku)", from Python); otherwise the instant in the display zone.
  GEO.clockLabel = function (m, t, tz, formatters) {
    var k = GEO.lowerBound(m.t0, t);
    var minute = m.meta.precisions.indexOf("minute");
    for (; k < m.n && m.t0[k] === t; k++) {
      if (m.precision[k] < minute && m.flightOf[k] < 0) return m.strings[m.stop[k]];
    }
    var f = formatters[tz];
    if (!f) {
      try {
        f = new Intl.DateTimeFormat("en-GB", {
          timeZone: tz, year: "numeric", month: "short", day: "numeric", hour: "2-digit",
          minute: "2-digit", hourCycle: "h23", timeZoneName: "short" });
      } catch (_) {
        f = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" });
      }
      formatters[tz] = f;
    }
    return f.format(new Date(t));
  };

  GEO.Timeline = function (map, m, clock, scene, opts) {
    var self = this;
    this.m = m; this.clock = clock; this.scene = scene; this.formatters = {};
    var Control = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        var box = el("div", "geo-timeline leaflet-bar");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    this.control = new Control();
    this.control.addTo(map);
    var box = this.box = this.control.getContainer();
    var row1 = el("div", "geo-row");
    this.prevBtn = button("geo-prev", "«", "Previous event (Shift+←)");
    this.playBtn = button("geo-play", "▶", "Play / pause (Space)");
    this.nextBtn = button("geo-next", "»", "Next event (Shift+→)");
    this.label = el("span", "geo-time-label");
    this.label.setAttribute("aria-live", "polite");
    [this.prevBtn, this.playBtn, this.nextBtn, this.label].forEach(function (x) { row1.appendChild(x); });
    this.hist = el("canvas", "geo-histogram");
    this.hist.height = 28;
    this.hist.title = "Events over time: click to go there";
    this.slider = el("input", "geo-slider");
    this.slider.type = "range"; this.slider.min = "0"; this.slider.max = String(RESOLUTION);
    this.slider.step = "1"; this.slider.setAttribute("aria-label", "Time");
    var row2 = el("div", "geo-row geo-options");
    this.modeSel = el("select", "geo-mode");
    this.modeSel.setAttribute("aria-label", "What is shown");
    option(this.modeSel, "cumulative", "Everything up to t");
    option(this.modeSel, "window", "Only around t");
    this.winSel = el("select", "geo-window");
    this.winSel.setAttribute("aria-label", "Window around t");
    GEO.WINDOWS.forEach(function (w) { option(self.winSel, w[1], w[0]); });
    this.speedSel = el("select", "geo-speed");
    this.speedSel.setAttribute("aria-label", "Playback speed");
    GEO.SPEEDS.forEach(function (s) { option(self.speedSel, s[1], s[0]); });
    this.tzSel = el("select", "geo-tz");
    this.tzSel.setAttribute("aria-label", "Time zone of the clock");
    var viewer = "UTC";
    try { viewer = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (_) { viewer = "UTC"; }
    var zones = m.meta.zones.slice();
    if (zones.indexOf(clock.tz) < 0) zones.push(clock.tz);
    if (zones.indexOf(viewer) < 0) zones.push(viewer);
    zones.forEach(function (z) { option(self.tzSel, z, z === viewer ? z + " (yours)" : z); });
    this.count = el("span", "geo-count");
    this.spanBtn = button("geo-span", "⤢", "Whole time span");
    this.linkBtn = button("geo-copy-link", "Link", "Copy a link to this view");
    [this.modeSel, this.winSel, this.speedSel, this.tzSel, this.count, this.spanBtn, this.linkBtn]
      .forEach(function (x) { row2.appendChild(x); });
    this.axis = el("div", "geo-axis");  // dated ticks under the slider (32-ticks.js)
    this.axis.setAttribute("aria-hidden", "true");
    this.axisNow = el("span", "geo-axis-now");
    [row1, this.hist, this.slider, this.axis, row2].forEach(function (x) { box.appendChild(x); });
    this.hist.addEventListener("mousemove", function (ev) { self._binTitle(ev); });

    this.prevBtn.addEventListener("click", function () { clock.jump(-1); });
    this.nextBtn.addEventListener("click", function () { clock.jump(1); });
    this.playBtn.addEventListener("click", function () { clock.toggle(); });
    this.slider.addEventListener("input", function () {
      clock.setTime(clock.lo + Number(self.slider.value) / RESOLUTION * (clock.hi - clock.lo));
    });
    this.modeSel.addEventListener("change", function () { clock.set({ mode: self.modeSel.value }); });
    this.winSel.addEventListener("change", function () { clock.set({ windowMs: Number(self.winSel.value) }); });
    this.speedSel.addEventListener("change", function () {
      var v = self.speedSel.value;
      clock.set({ speed: v === "event" ? "event" : Number(v) });
    });
    this.tzSel.addEventListener("change", function () { clock.set({ tz: self.tzSel.value }); });
    this.spanBtn.addEventListener("click", function () {
      clock.set({ lo: clock.span[0], hi: clock.span[1] });
    });
    this.linkBtn.addEventListener("click", function () { opts.copyLink(self.linkBtn); });
    this.hist.addEventListener("click", function (ev) {
      var r = self.hist.getBoundingClientRect(), u = GEO.clamp((ev.clientX - r.left) / r.width, 0, 1);
      var t = clock.lo + u * (clock.hi - clock.lo), h = self._hist;
      if (h) {  // the first event in the bucket clicked, if there is one
        var b = Math.min(h.counts.length - 1, Math.floor(u * h.counts.length));
        var k = GEO.lowerBound(m.t0, clock.lo + b * h.size);
        if (k < m.n && m.t0[k] < clock.lo + (b + 1) * h.size) t = m.t0[k];
      }
      clock.setTime(t);
    });
    GEO.keys(box, clock, this.slider);
    this.hidden = {};
  };

  // The keys of the timeline, wherever focus is in `root` (the control, or the whole map):
  // Shift+←/→ previous/next event, Space play/pause, Home/End the span's ends; on the slider
  // also ←/→ a small step and PageUp/PageDown a large one.
  GEO.keys = function (root, clock, slider) {
    root.addEventListener("keydown", function (ev) {
      var tag = ev.target.tagName;
      if (tag === "SELECT" || tag === "INPUT" && ev.target !== slider || tag === "TEXTAREA") return;
      if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var onSlider = ev.target === slider, handled = true;
      if ((ev.key === "ArrowLeft" || ev.key === "ArrowRight") && (ev.shiftKey || onSlider)) {
        var dir = ev.key === "ArrowLeft" ? -1 : 1;
        if (ev.shiftKey) clock.jump(dir); else clock.step(dir);
      } else if (ev.key === " " && tag !== "BUTTON") {
        clock.toggle();
      } else if (ev.key === "Home") {
        clock.setTime(clock.lo);
      } else if (ev.key === "End") {
        clock.setTime(clock.hi);
      } else if (onSlider && (ev.key === "PageUp" || ev.key === "PageDown")) {
        clock.step(ev.key === "PageUp" ? 1 : -1, 1 / 20);
      } else {
        handled = false;
      }
      if (handled) { ev.preventDefault(); ev.stopPropagation(); }
    }, true);
  };

  GEO.Timeline.prototype.update = function () {
    var c = this.clock, m = this.m;
    this.slider.value = String(Math.round((c.t - c.lo) / Math.max(1, c.hi - c.lo) * RESOLUTION));
    this.label.textContent = GEO.clockLabel(m, c.t, c.tz, this.formatters);
    this.playBtn.textContent = c.playing ? "❚❚" : "▶";  // U+23F8 is missing from DejaVu
    this.modeSel.value = c.mode;
    this.winSel.value = String(c.windowMs);
    this.winSel.disabled = c.mode !== "window";
    if (this.winSel.value !== String(c.windowMs)) option(this.winSel, c.windowMs, "± " + GEO.isoDuration(c.windowMs)).selected = true;
    this.speedSel.value = String(c.speed);
    if (this.tzSel.value !== c.tz) {
      if (!Array.prototype.some.call(this.tzSel.options, function (o) { return o.value === c.tz; })) option(this.tzSel, c.tz, c.tz);
      this.tzSel.value = c.tz;
    }
    // the events shown at the clock's time, of the document's (the app's selection)
    this.count.textContent = this.scene.shown + " of " + m.n + " shown";
    this.drawHistogram();
    this.drawAxis();
  };

  // ---- the axis: dated ticks adapted to the span and the zone; the clock's position ------
  var THUMB_PX = 8;  // a range input's track starts and ends half a thumb in
  GEO.Timeline.prototype.drawAxis = function () {
    var c = this.clock, width = this.slider.clientWidth || 300, axis = this.axis;
    var key = [c.lo, c.hi, width, c.tz].join(",");
    var x = function (t) {
      return THUMB_PX + (t - c.lo) / Math.max(1, c.hi - c.lo) * (width - 2 * THUMB_PX);
    };
    if (this._axisKey !== key) {
      this._axisKey = key;
      while (axis.firstChild) axis.removeChild(axis.firstChild);
      GEO.timeTicks(c.lo, c.hi, width, c.tz).forEach(function (k) {
        var tick = el("span", "geo-tick" + (k.major ? " geo-tick-major" : ""), k.label);
        var at = x(k.t);
        tick.style.left = at.toFixed(1) + "px";
        if (at < 24) tick.classList.add("geo-tick-start");  // kept inside the axis
        else if (at > width - 24) tick.classList.add("geo-tick-end");
        tick.setAttribute("data-t", String(k.t));
        axis.appendChild(tick);
      });
      axis.appendChild(this.axisNow);
    }
    this.axisNow.style.left = x(c.t).toFixed(1) + "px";
  };

  // The histogram's bin under the pointer, in words (its span in the zone and its count).
  GEO.Timeline.prototype._binTitle = function (ev) {
    var h = this._hist, c = this.clock;
    if (!h) return;
    var r = this.hist.getBoundingClientRect(), u = GEO.clamp((ev.clientX - r.left) / r.width, 0, 1);
    var b = Math.min(h.counts.length - 1, Math.floor(u * h.counts.length));
    var from = c.lo + b * h.size;
    this.hist.title = GEO.binLabel(from, from + h.size, h.counts[b], c.tz) + " — click to go there";
  };

  GEO.Timeline.prototype.drawHistogram = function () {
    var c = this.clock, canvas = this.hist, width = Math.max(50, this.slider.clientWidth || 300);
    var dpr = window.devicePixelRatio || 1, hidden = this.hidden, m = this.m;
    var key = [c.lo, c.hi, width, hidden.arcs, hidden.events, hidden.flights].join(",");
    if (this._histKey !== key) {
      this._histKey = key;
      var keep = hidden.events || hidden.flights ? function (i) {
        return m.flightOf[i] >= 0 ? !hidden.flights : !hidden.events;
      } : null;
      this._hist = GEO.histogram(m.t0, c.lo, c.hi, Math.max(10, Math.floor(width / 3)), keep);
    }
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(28 * dpr);
    canvas.style.width = width + "px";
    canvas.style.height = "28px";
    var g = canvas.getContext("2d"), h = this._hist, bw = width / h.heights.length;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, 28);
    g.fillStyle = m.meta.style.mark.histogram_color;
    for (var b = 0; b < h.heights.length; b++) {
      if (h.heights[b]) {
        var bar = Math.max(2, h.heights[b] * 26);
        g.fillRect(b * bw, 28 - bar, Math.max(1, bw - 1), bar);
      }
    }
    var x = (c.t - c.lo) / Math.max(1, c.hi - c.lo) * width;
    g.fillStyle = m.meta.style.mark.clock_now_color;
    g.fillRect(Math.round(x) - 1, 0, 2, 28);
    canvas.setAttribute("data-scale", h.log ? "log" : "linear");
  };

  // The document's views as chapters: title, a short text, previous / next.
  GEO.Chapters = function (map, views, onPick) {
    var self = this;
    this.views = views;
    var Control = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var box = el("div", "geo-chapters leaflet-bar");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    this.control = new Control();
    this.control.addTo(map);
    var box = this.control.getContainer();
    this.details = el("details");
    this.details.open = map.getSize().x >= 700;
    this.summary = el("summary", null, "Chapters");
    this.title = el("div", "geo-chapter-title");
    this.text = el("p", "geo-chapter-text");
    var nav = el("div", "geo-row");
    this.prev = button("geo-chapter-prev", "‹", "Previous chapter");
    this.next = button("geo-chapter-next", "›", "Next chapter");
    this.select = el("select", "geo-chapter-select");
    this.select.setAttribute("aria-label", "Chapter");
    views.forEach(function (v, k) { option(self.select, k, v.title); });
    [this.prev, this.select, this.next].forEach(function (x) { nav.appendChild(x); });
    [this.summary, this.title, this.text, nav].forEach(function (x) { self.details.appendChild(x); });
    box.appendChild(this.details);
    this.prev.addEventListener("click", function () { onPick(Math.max(0, self.index - 1)); });
    this.next.addEventListener("click", function () { onPick(Math.min(views.length - 1, self.index + 1)); });
    this.select.addEventListener("change", function () { onPick(Number(self.select.value)); });
    this.index = -1;
  };
  GEO.Chapters.prototype.show = function (k) {
    this.index = k;
    var v = this.views[k];
    this.summary.textContent = k >= 0 ? "Chapter " + (k + 1) + " of " + this.views.length : "Chapters";
    this.title.textContent = v ? v.title : "";
    this.text.textContent = v ? v.text : "Pick a chapter.";
    this.select.value = String(k);
    this.prev.disabled = k <= 0;
    this.next.disabled = k >= this.views.length - 1;
  };

  // A note on the map (what a link asked for and could not have; what the input left out),
  // with a close button.
  GEO.note = function (map, lines, heading, cls) {
    var Control = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var box = el("div", "geo-note leaflet-bar" + (cls ? " " + cls : ""));
        box.setAttribute("role", "status");
        box.appendChild(el("div", "geo-note-head", heading || "Some of the link was ignored:"));
        var ul = el("ul");
        lines.slice(0, 8).forEach(function (line) { ul.appendChild(el("li", null, line)); });
        if (lines.length > 8) ul.appendChild(el("li", null, "and " + (lines.length - 8) + " more"));
        box.appendChild(ul);
        var close = button("geo-note-close", "×", "Close");
        close.addEventListener("click", function () { map.removeControl(ctl); });
        box.appendChild(close);
        L.DomEvent.disableClickPropagation(box);
        return box;
      }
    });
    var ctl = new Control();
    ctl.addTo(map);
    return ctl;
  };
})();
