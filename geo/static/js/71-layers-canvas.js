/* The event layers on canvas (above meta.svgLimit events): lines, flights and markers each on
 * a canvas of their own, drawn from precomputed Web Mercator coordinates in style buckets.
 * Same interface and the same styles as the SVG layers (70-layers-svg.js); clicks are
 * hit-tested here, markers before flights before lines.
 */
(function () {
  "use strict";

  var OPACITY_STEPS = 20;  // line opacities are drawn in this many buckets
  var SNAPSHOT_BYTES = 64e6;  // the memory the cumulative lines' snapshots may take

  var Canvas = L.Layer.extend({
    initialize: function (pane, draw) { this._pane = pane; this._drawFn = draw; this._frame = null; },
    onAdd: function (map) {
      this._map = map;
      this._canvas = L.DomUtil.create("canvas", "geo-canvas leaflet-zoom-hide");
      map.getPane(this._pane).appendChild(this._canvas);
      map.on("moveend zoomend resize viewreset", this._reset, this);
      this._reset();
    },
    onRemove: function (map) {
      map.off("moveend zoomend resize viewreset", this._reset, this);
      L.DomUtil.remove(this._canvas);
      this._map = null;
    },
    _reset: function () {
      var map = this._map, size = map.getSize(), dpr = window.devicePixelRatio || 1;
      L.DomUtil.setPosition(this._canvas, map.containerPointToLayerPoint([0, 0]));
      this._canvas.width = Math.round(size.x * dpr);
      this._canvas.height = Math.round(size.y * dpr);
      this._canvas.style.width = size.x + "px";
      this._canvas.style.height = size.y + "px";
      this._dpr = dpr;
      this.draw();
    },
    redraw: function () {
      if (!this._map || this._frame) return;
      this._frame = L.Util.requestAnimFrame(this.draw, this);
    },
    draw: function () {
      this._frame = null;
      if (!this._map) return;
      var ctx = this._canvas.getContext("2d"), size = this._map.getSize();
      ctx.setTransform(this._dpr, 0, 0, this._dpr, 0, 0);
      ctx.clearRect(0, 0, size.x, size.y);
      this._drawFn(ctx, origin(this._map), size);
    }
  });

  function origin(map) {  // container pixel = o.x + mercatorX * o.s
    var s = 256 * Math.pow(2, map.getZoom()), ref = map.latLngToContainerPoint([0, 0]);
    return { x: ref.x - 0.5 * s, y: ref.y - 0.5 * s, s: s, zoom: map.getZoom() };
  }

  function mercatorOf(points) {  // [lat, lon, ...] -> [mx, my, ...]
    var out = new Float64Array(points.length);
    for (var q = 0; q < points.length; q += 2) {
      var p = GEO.mercator(points[q], points[q + 1]);
      out[q] = p[0]; out[q + 1] = p[1];
    }
    return out;
  }

  function dash(text) { return text ? text.split(" ").map(Number) : []; }

  GEO.CanvasLayers = function (map, scene, groups, ctx) {
    this.map = map; this.scene = scene; this.groups = groups; this.ctx = ctx;
    this.m = scene.m;
    this.mark = this.m.meta.style.mark;
    this.shapes = new GEO.Shapes(scene);
    map.createPane("geoLines").style.zIndex = 410;
    map.createPane("geoFlights").style.zIndex = 430;
    map.createPane("geoMarkers").style.zIndex = 620;
    map.createPane("geoAircraft").style.zIndex = 640;  // the aircraft above the clusters
    var self = this;
    this._xy = {};  // group -> {coarse: mercator xy}
    this._sprites = {};
    this._air = [];
    this.linesLayer = new Canvas("geoLines", function (c, o, size) { self._drawLines(c, o, size); });
    this.flightsLayer = new Canvas("geoFlights", function (c, o, size) { self._drawFlights(c, o, size); });
    this.markersLayer = new Canvas("geoMarkers", function (c, o, size) { self._drawMarkers(c, o, size); });
    this.planesLayer = new Canvas("geoAircraft", function (c, o, size) { self._drawPlanes(c, o, size); });
    groups.arcs.addLayer(this.linesLayer);
    groups.flights.addLayer(this.flightsLayer);
    groups.flights.addLayer(this.planesLayer);
    groups.events.addLayer(this.markersLayer);
    map.on("click", function (ev) { self._click(ev); });
    map.on("mousemove", function (ev) { self._hover(ev); });
  };

  GEO.CanvasLayers.prototype.render = function () {
    this.linesLayer.redraw();
    this.flightsLayer.redraw();
    this.markersLayer.redraw();
    this.planesLayer.redraw();
  };
  GEO.CanvasLayers.prototype.redrawAll = GEO.CanvasLayers.prototype.render;

  GEO.CanvasLayers.prototype._lineXY = function (g, zoom) {
    var coarse = Math.pow(2, Math.max(0, 6 - Math.floor(zoom)));
    var c = this._xy[g] || (this._xy[g] = {});
    if (!c[coarse]) {
      var xy = mercatorOf(this.shapes.linePoints(g, Math.floor(zoom)));
      var box = [Infinity, Infinity, -Infinity, -Infinity];
      for (var q = 0; q < xy.length; q += 2) {
        box[0] = Math.min(box[0], xy[q]); box[1] = Math.min(box[1], xy[q + 1]);
        box[2] = Math.max(box[2], xy[q]); box[3] = Math.max(box[3], xy[q + 1]);
      }
      c[coarse] = { xy: xy, box: box };
    }
    return c[coarse];
  };

  // Lines are stroked in buckets of one style (colour, weight, dash, opacity level): one path
  // per bucket. entries: [[group, style], ...].
  GEO.CanvasLayers.prototype._strokeGroups = function (ctx, o, size, entries, dashed) {
    var buckets = {}, keys = [], recorded = [];
    for (var e = 0; e < entries.length; e++) {
      var g = entries[e][0], st = entries[e][1];
      if (this.scene.groups.recorded[g]) { recorded.push(entries[e]); continue; }
      var level = Math.max(1, Math.round(st.opacity * OPACITY_STEPS));
      var flightLine = this.scene.groups.kind[g] === this.scene.isFlightKind;
      var key = (flightLine ? "1|" : "0|") + st.color + "|" + st.weight + "|" + (dashed ? st.dash : "") + "|" + level;
      var b = buckets[key];
      if (!b) { b = buckets[key] = { style: st, level: level, members: [] }; keys.push(key); }
      b.members.push(g);
    }
    keys.sort();
    for (var k = 0; k < keys.length; k++) {
      var bucket = buckets[keys[k]], s = bucket.style;
      ctx.strokeStyle = s.color;
      // below the zoom of dashes every line is a hairline: a wider stroke is five times the
      // work to raster, and at that zoom opacity, not width, tells lines apart
      ctx.lineWidth = dashed ? s.weight : Math.min(1, s.weight);
      ctx.globalAlpha = bucket.level / OPACITY_STEPS;
      ctx.setLineDash(dashed ? dash(s.dash) : []);
      ctx.beginPath();
      var drawn = 0;
      for (var q = 0; q < bucket.members.length; q++) {
        var line = this._lineXY(bucket.members[q], o.zoom), bx = line.box;
        if (o.x + bx[2] * o.s < 0 || o.x + bx[0] * o.s > size.x ||
            o.y + bx[3] * o.s < 0 || o.y + bx[1] * o.s > size.y) continue;
        var xy = line.xy;
        ctx.moveTo(o.x + xy[0] * o.s, o.y + xy[1] * o.s);
        for (var v = 2; v < xy.length; v += 2) ctx.lineTo(o.x + xy[v] * o.s, o.y + xy[v + 1] * o.s);
        if (++drawn % 1024 === 0) { ctx.stroke(); ctx.beginPath(); }
      }
      ctx.stroke();
    }
    for (q = 0; q < recorded.length; q++) {  // each recorded path with its gaps and circle
      var shape = this.shapes.line(recorded[q][0]).shape, rs = recorded[q][1];
      this._drawRecorded(ctx, o, shape, undefined, null, rs.color, rs.weight, rs.opacity);
    }
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
  };

  GEO.CanvasLayers.prototype._drawLines = function (ctx, o, size) {
    if (!this.map.hasLayer(this.linesLayer)) return;
    var sc = this.scene, G = sc.groups;
    var dashed = o.zoom >= this.mark.dash_from_zoom;
    var hideArcs = !this.map.hasLayer(this.groups.arcs), hideFlights = !this.map.hasLayer(this.groups.flights);
    if (sc.mode === "cumulative") {
      this._drawDone(ctx, o, size, dashed, hideArcs, hideFlights);
      return;
    }
    var entries = [];
    for (var g = 0; g < G.n; g++) {
      if (!G.count[g]) continue;
      var flight = G.kind[g] === sc.isFlightKind;
      if ((flight && hideFlights) || (!flight && hideArcs)) continue;
      entries.push([g, sc.lineStyle(g, true)]);
    }
    this._strokeGroups(ctx, o, size, entries, dashed);
  };

  // Everything up to t (cumulative mode): the lines done by t only accumulate as t grows. They
  // are drawn in the order they come to be done onto a working canvas kept between frames,
  // with snapshots every `slice` lines; a move of the clock restores the last snapshot before
  // it and draws only the lines done since, so a step costs a slice at most, not every line.
  // Each batch draws a line once with its new members' alphas compounded, so over batches a
  // line's opacity is 1 - prod(1 - a) of its members, as the scene's lineStyle gives. The
  // lines only possibly under way at t are drawn on top, lighter, every frame. A new view
  // (pan, zoom, resize, a layer switched) starts the working canvas again.
  GEO.CanvasLayers.prototype._drawDone = function (ctx, o, size, dashed, hideArcs, hideFlights) {
    var sc = this.scene, G = sc.groups, P = GEO.PHASE, self = this;
    var dpr = window.devicePixelRatio || 1;
    var order = this._doneOrder();
    var key = [o.x, o.y, o.s, size.x, size.y, dpr, hideArcs, hideFlights, dashed].join("|");
    var w = this._work;
    if (!w || w.key !== key) {
      var canvas = w && w.canvas ? w.canvas : document.createElement("canvas");
      canvas.width = Math.round(size.x * dpr); canvas.height = Math.round(size.y * dpr);
      var bytes = canvas.width * canvas.height * 4;
      var slices = GEO.clamp(Math.floor(SNAPSHOT_BYTES / bytes), 2, 16);
      w = this._work = { key: key, canvas: canvas, ctx: canvas.getContext("2d"), upTo: 0,
                         slice: Math.max(1, Math.ceil(order.at.length / slices)), snaps: [] };
    }
    var target = GEO.upperBound(order.at, sc.t);  // members done at t: t >= t1
    var wc = w.ctx;
    function keepOf(j) {
      var flight = j >= sc.nArcs;
      return !((flight && hideFlights) || (!flight && hideArcs));
    }
    function draw(from, to) {  // members [from, to) of the order onto the working canvas
      var keepOfGroup = new Map();
      for (var q = from; q < to; q++) {
        var j = order.order[q];
        if (!keepOf(j)) continue;
        var g = sc.lineGroup[j];
        keepOfGroup.set(g, (keepOfGroup.has(g) ? keepOfGroup.get(g) : 1) * (1 - sc.alpha[j]));
      }
      var entries = [];
      keepOfGroup.forEach(function (kept, g) {
        var st = sc.lineStyle(g, true);
        entries.push([g, { color: st.color, weight: st.weight, dash: st.dash, opacity: 1 - kept }]);
      });
      wc.setTransform(dpr, 0, 0, dpr, 0, 0);
      self._strokeGroups(wc, o, size, entries, dashed);
    }
    var k = Math.min(Math.floor(target / w.slice), w.snaps.length - 1);
    while (k > 0 && !w.snaps[k]) k--;
    if (target < w.upTo || (k > 0 && k * w.slice > w.upTo)) {  // back to a snapshot
      wc.setTransform(1, 0, 0, 1, 0, 0);
      wc.clearRect(0, 0, w.canvas.width, w.canvas.height);
      if (k > 0) wc.drawImage(w.snaps[k], 0, 0);
      w.upTo = k > 0 ? k * w.slice : 0;
    }
    while (w.upTo < target) {
      var next = Math.min(target, (Math.floor(w.upTo / w.slice) + 1) * w.slice);
      draw(w.upTo, next);
      w.upTo = next;
      var s = next / w.slice;
      if (next % w.slice === 0 && !w.snaps[s]) {
        var snap = document.createElement("canvas");
        snap.width = w.canvas.width; snap.height = w.canvas.height;
        snap.getContext("2d").drawImage(w.canvas, 0, 0);
        w.snaps[s] = snap;
      }
    }
    ctx.drawImage(w.canvas, 0, 0, size.x, size.y);
    // possibly under way at t: on top, lighter (not kept: they are done later, or never)
    var open = [], seen = {};
    for (var j = 0; j < sc.lineEvent.length; j++) {
      if (sc.states[sc.lineEvent[j]] !== P.UNDERWAY || !keepOf(j)) continue;
      if (j >= sc.nArcs) continue;  // flights in the air: _drawFlights
      var g = sc.lineGroup[j];
      if (seen[g]) continue;
      seen[g] = true;
      var st = sc.lineStyle(g, true);
      if (!G.done[g]) open.push([g, st]);
    }
    if (open.length) this._strokeGroups(ctx, o, size, open, dashed);
  };

  // Every line member's index, in the order they come to be done (t1 of their event).
  GEO.CanvasLayers.prototype._doneOrder = function () {
    if (this._order) return this._order;
    var sc = this.scene, t1 = this.m.t1, ev = sc.lineEvent, J = ev.length;
    var order = new Uint32Array(J);
    for (var j = 0; j < J; j++) order[j] = j;
    order.sort(function (a, b) { return t1[ev[a]] - t1[ev[b]] || a - b; });
    var at = new Float64Array(J);
    for (j = 0; j < J; j++) at[j] = t1[ev[order[j]]];
    return (this._order = { order: order, at: at });
  };

  function strokeRanges(ctx, o, xy, list, tail) {  // vertex ranges of xy, tail after the last
    ctx.beginPath();
    list.forEach(function (r, n) {
      ctx.moveTo(o.x + xy[2 * r[0]] * o.s, o.y + xy[2 * r[0] + 1] * o.s);
      for (var v = r[0] + 1; v <= r[1]; v++) ctx.lineTo(o.x + xy[2 * v] * o.s, o.y + xy[2 * v + 1] * o.s);
      if (tail && n === list.length - 1) ctx.lineTo(tail[0], tail[1]);
    });
    ctx.stroke();
  }

  // A recorded path up to vertex k (all of it: k undefined) then `tail` (container px): the
  // great circle faint, the coverage gaps dashed, the rest solid.
  GEO.CanvasLayers.prototype._drawRecorded = function (ctx, o, shape, k, tail, color, weight, opacity) {
    var mk = this.mark;
    var xy = shape.xy || (shape.xy = mercatorOf(shape.points));
    var ref = shape.refXY || (shape.refXY = mercatorOf(shape.reference));
    ctx.globalAlpha = mk.reference_opacity;
    ctx.strokeStyle = mk.route_color; ctx.lineWidth = mk.route_weight;
    ctx.setLineDash(dash(mk.route_dash));
    strokeRanges(ctx, o, ref, [[0, ref.length / 2 - 1]]);
    var r = GEO.track.ranges(shape, k);
    ctx.globalAlpha = opacity; ctx.strokeStyle = color; ctx.lineWidth = weight;
    ctx.setLineDash([]);
    strokeRanges(ctx, o, xy, r.solid, r.tailIn === "solid" ? tail : null);
    ctx.setLineDash(dash(mk.recorded_gap_dash));
    if (r.gaps.length) strokeRanges(ctx, o, xy, r.gaps, r.tailIn === "gaps" ? tail : null);
    ctx.setLineDash([]);
  };

  GEO.CanvasLayers.prototype._plane = function (size) {
    var dpr = window.devicePixelRatio || 1, key = size + ":" + dpr;
    if (this._sprites[key]) return this._sprites[key];
    var c = document.createElement("canvas"), s = Math.ceil(size * dpr);
    c.width = c.height = s;
    var g = c.getContext("2d");
    g.scale(s / 24, s / 24);
    g.translate(12, 12);
    var path = new Path2D("M0-11 L2-3 L10 2 L10 4 L2 1.5 L1.5 7 L4 9 L4 10.5 L0 9.5 L-4 10.5 " +
                          "L-4 9 L-1.5 7 L-2 1.5 L-10 4 L-10 2 L-2-3 Z");
    g.fillStyle = this.mark.aircraft_color; g.fill(path);
    g.strokeStyle = this.mark.aircraft_outline; g.lineWidth = 1; g.stroke(path);
    return (this._sprites[key] = c);
  };

  GEO.CanvasLayers.prototype._drawFlights = function (ctx, o, size) {
    var sc = this.scene, m = this.m, mk = this.mark, t = sc.t, self = this;
    var many = sc.airborne.length > m.meta.aircraftLimit;
    this._air = [];
    if (!this.map.hasLayer(this.flightsLayer)) return;
    var ks = m.meta.style.kinds.flight;
    sc.airborne.forEach(function (f) {
      var shape = self.shapes.flight(f), i = shape.event, pos = self.shapes.aircraft(f, t);
      var xy = shape.xy || (shape.xy = mercatorOf(shape.points));
      var here = GEO.mercator(pos.lat, pos.lon);
      var hx = o.x + (here[0] + Math.round(xy[2 * pos.k] - here[0])) * o.s;
      var hy = o.y + here[1] * o.s;
      self._air.push({ flight: f, event: i, x: hx, y: hy, latlng: L.latLng(pos.lat, pos.lon),
                       heading: pos.azi });
      if (many) return;
      var ss = m.meta.style.statuses[m.meta.statuses[m.status[i]]];
      if (shape.recorded !== undefined) {
        ctx.globalAlpha = mk.route_opacity;  // the path ahead, faint
        ctx.strokeStyle = mk.recorded_color; ctx.lineWidth = mk.route_weight;
        strokeRanges(ctx, o, xy, GEO.track.ranges(shape).solid);
        self._drawRecorded(ctx, o, shape, pos.k, [hx, hy], ks.color, ks.canvas_weight, ss.opacity);
        return;
      }
      ctx.globalAlpha = mk.route_opacity;
      ctx.strokeStyle = mk.route_color; ctx.lineWidth = mk.route_weight;
      ctx.setLineDash(dash(mk.route_dash));
      ctx.beginPath();
      ctx.moveTo(o.x + xy[0] * o.s, o.y + xy[1] * o.s);
      for (var v = 2; v < xy.length; v += 2) ctx.lineTo(o.x + xy[v] * o.s, o.y + xy[v + 1] * o.s);
      ctx.stroke();
      ctx.globalAlpha = ss.opacity;
      ctx.strokeStyle = ks.color; ctx.lineWidth = ks.canvas_weight;
      ctx.setLineDash(dash(ss.dash));
      ctx.beginPath();
      ctx.moveTo(o.x + xy[0] * o.s, o.y + xy[1] * o.s);
      for (v = 2; v <= 2 * pos.k; v += 2) ctx.lineTo(o.x + xy[v] * o.s, o.y + xy[v + 1] * o.s);
      ctx.lineTo(hx, hy);
      ctx.stroke();
      self._drawTrail(ctx, o, f, t, ks.color);
    });
    ctx.setLineDash([]);
    ctx.globalAlpha = 1;
  };

  // The fading trail behind the aircraft (GEO.trailAt, the SVG layers' rule).
  GEO.CanvasLayers.prototype._drawTrail = function (ctx, o, f, t, color) {
    var pieces = GEO.trailAt(this.shapes, f, t, this.mark), styles = GEO.trailPieces(this.mark);
    ctx.setLineDash([]);
    ctx.strokeStyle = color;
    pieces.forEach(function (pts, s) {
      if (pts.length < 2) return;
      ctx.globalAlpha = styles[s].opacity; ctx.lineWidth = styles[s].weight;
      ctx.beginPath();
      pts.forEach(function (p, q) {
        var xy = GEO.mercator(p[0], p[1]), x = o.x + xy[0] * o.s, y = o.y + xy[1] * o.s;
        if (q) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      });
      ctx.stroke();
    });
  };

  // The aircraft, on a canvas of their own above the markers (never hidden by a cluster).
  GEO.CanvasLayers.prototype._drawPlanes = function (ctx, o, size) {
    var m = this.m, mk = this.mark, many = this.scene.airborne.length > m.meta.aircraftLimit;
    if (!this.map.hasLayer(this.flightsLayer)) return;
    var sprite = this._plane(mk.aircraft_size_px), half = mk.aircraft_size_px / 2;
    this._air.forEach(function (a) {
      if (a.x < -half || a.y < -half || a.x > size.x + half || a.y > size.y + half) return;
      if (many) {
        ctx.fillStyle = mk.aircraft_color;
        ctx.fillRect(a.x - 1, a.y - 1, 2, 2);
        return;
      }
      ctx.save();
      ctx.translate(a.x, a.y);
      ctx.rotate(a.heading * Math.PI / 180);
      ctx.drawImage(sprite, -half, -half, 2 * half, 2 * half);
      ctx.restore();
    });
  };

  // The aircraft in the air at the scene's time (from the scene, not the last frame drawn).
  GEO.CanvasLayers.prototype.airborne = function () {
    var self = this, t = this.scene.t;
    return this.scene.airborne.map(function (f) {
      var pos = self.shapes.aircraft(f, t);
      return { flight: f, event: self.m.flights.event[f], latlng: L.latLng(pos.lat, pos.lon),
               heading: pos.azi };
    });
  };

  GEO.CanvasLayers.prototype._drawMarkers = function (ctx, o, size) {
    var sc = this.scene, m = this.m, P_ = m.places, mk = this.mark;
    var px = new Float64Array(P_.n), py = new Float64Array(P_.n);
    for (var k = 0; k < P_.n; k++) {
      if (!sc.placeCount[k]) continue;
      px[k] = o.x + P_.mx[k] * o.s; py[k] = o.y + P_.my[k] * o.s;
    }
    this.clusters = GEO.cluster(px, py, sc.placeCount, m.meta.rule.clusterCellPx);
    if (!this.map.hasLayer(this.markersLayer)) return;
    var dashed = o.zoom >= mk.dash_from_zoom;
    ctx.font = "600 11px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (var q = 0; q < this.clusters.length; q++) {
      var c = this.clusters[q], r;
      if (c.x < -30 || c.y < -30 || c.x > size.x + 30 || c.y > size.y + 30) continue;
      ctx.beginPath();
      if (c.n === 1) {
        var i = sc.eventsAt(c.places)[0], st = sc.markerStyle(i);
        c.event = i;
        r = st.radius;
        ctx.arc(c.x, c.y, r, 0, 2 * Math.PI);
        ctx.globalAlpha = st.fillOpacity; ctx.fillStyle = st.fillColor; ctx.fill();
        ctx.globalAlpha = st.opacity; ctx.strokeStyle = st.color; ctx.lineWidth = st.weight;
        ctx.setLineDash(dashed ? dash(st.dash) : []);
        ctx.stroke();
        ctx.setLineDash([]);
      } else {
        r = GEO.clusterRadius(mk, c.n);
        ctx.arc(c.x, c.y, r, 0, 2 * Math.PI);
        ctx.globalAlpha = 0.92; ctx.fillStyle = mk.cluster_fill; ctx.fill();
        ctx.globalAlpha = 1; ctx.strokeStyle = mk.cluster_color; ctx.lineWidth = mk.cluster_weight; ctx.stroke();
        ctx.fillStyle = mk.cluster_color;
        ctx.fillText(String(c.n), c.x, c.y);
      }
      c.r = r;
    }
    ctx.globalAlpha = 1;
  };

  GEO.CanvasLayers.prototype._clusterAt = function (pt) {
    if (!this.map.hasLayer(this.markersLayer)) return null;
    var best = null, bestD = Infinity;
    (this.clusters || []).forEach(function (c) {
      var d = Math.hypot(c.x - pt.x, c.y - pt.y);
      if (d <= (c.r || 8) + 3 && d < bestD) { best = c; bestD = d; }
    });
    return best;
  };
  GEO.CanvasLayers.prototype._aircraftAt = function (pt) {
    var best = null, bestD = 14;
    this._air.forEach(function (a) {
      var d = Math.hypot(a.x - pt.x, a.y - pt.y);
      if (d < bestD) { best = a; bestD = d; }
    });
    return best;
  };
  GEO.CanvasLayers.prototype._lineAt = function (pt) {
    if (!this.map.hasLayer(this.linesLayer)) return -1;
    var sc = this.scene, G = sc.groups, o = origin(this.map), best = -1, bestD = 36;
    var px = (pt.x - o.x) / o.s, py = (pt.y - o.y) / o.s, slack = 6 / o.s;
    for (var g = 0; g < G.n; g++) {
      if (!G.count[g]) continue;
      var line = this._lineXY(g, o.zoom), bx = line.box, xy = line.xy;
      if (px < bx[0] - slack || px > bx[2] + slack || py < bx[1] - slack || py > bx[3] + slack) continue;
      for (var v = 2; v < xy.length; v += 2) {
        var ax = (xy[v - 2] - px) * o.s, ay = (xy[v - 1] - py) * o.s;
        var ex = (xy[v] - xy[v - 2]) * o.s, ey = (xy[v + 1] - xy[v - 1]) * o.s;
        var len = ex * ex + ey * ey;
        var u = len > 0 ? GEO.clamp(-(ax * ex + ay * ey) / len, 0, 1) : 0;
        var dx = ax + u * ex, dy = ay + u * ey, d = dx * dx + dy * dy;
        if (d < bestD) { bestD = d; best = g; }
      }
    }
    return best;
  };

  GEO.CanvasLayers.prototype._click = function (ev) {
    var pt = ev.containerPoint, c = this._clusterAt(pt);
    if (c) {
      if (c.n === 1) this.ctx.openEvent(c.event, this.map.containerPointToLatLng([c.x, c.y]));
      else this.ctx.openCluster(c, this.map.containerPointToLatLng([c.x, c.y]));
      return;
    }
    var a = this._aircraftAt(pt);
    if (a) { this.ctx.openEvent(a.event, a.latlng); return; }
    var g = this._lineAt(pt);
    if (g >= 0) GEO.SvgLayers.prototype._openLine.call(this, g, ev.latlng);
  };

  GEO.CanvasLayers.prototype._hover = function (ev) {
    var pt = ev.containerPoint, c = this._clusterAt(pt), a = c ? null : this._aircraftAt(pt);
    this.map.getContainer().style.cursor = c || a ? "pointer" : "";
  };

  GEO.CanvasLayers.prototype.pointOf = function (i) {
    var k = this.m.place[i], P_ = this.m.places;
    var c = (this.clusters || []).filter(function (x) { return x.places.indexOf(k) >= 0; })[0];
    return c ? L.point(c.x, c.y) : this.map.latLngToContainerPoint([P_.lat[k], P_.lon[k]]);
  };
})();
