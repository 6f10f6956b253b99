/* Time slider and event layers for the geo map. Plain JS over Leaflet, no other library.
 *
 * Everything drawn comes from one JSON data block (computed in Python: geodesic tracks and
 * arcs, times in ms since the epoch, popup fields as plain text). Text from the data is only
 * ever inserted with textContent; links are made only for http(s) URLs.
 *
 * Exposes one global, window.geoTimeline, for the app and the tests.
 */
(function () {
  "use strict";

  var MINUTE = 60000;
  var WINDOWS = [
    ["1 day", 86400000], ["1 week", 7 * 86400000], ["30 days", 30 * 86400000],
    ["1 year", 365 * 86400000]
  ];
  var PLANE_SVG = '<svg viewBox="-12 -12 24 24" width="26" height="26" aria-hidden="true">' +
    '<path d="M0-11 L2-3 L10 2 L10 4 L2 1.5 L1.5 7 L4 9 L4 10.5 L0 9.5 L-4 10.5 L-4 9 ' +
    'L-1.5 7 L-2 1.5 L-10 4 L-10 2 L-2-3 Z" fill="#0072B2" stroke="#fff" stroke-width="1"/></svg>';

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function lowerBound(arr, x) {
    var lo = 0, hi = arr.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (arr[mid] < x) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  function bearing(a, b) {
    var rad = Math.PI / 180;
    var la1 = a[0] * rad, la2 = b[0] * rad, dl = (b[1] - a[1]) * rad;
    var y = Math.sin(dl) * Math.cos(la2);
    var x = Math.cos(la1) * Math.sin(la2) - Math.sin(la1) * Math.cos(la2) * Math.cos(dl);
    return (Math.atan2(y, x) / rad + 360) % 360;
  }

  // The popup's fields for event i, from the data's columns (all plain text, every word
  // of it made in Python: geo.timeline.event_times, geo.layers.flight_lines).
  function popupFields(data, i, flight) {
    var E = data.events, S = data.strings;
    function names(field) {  // event i's items of a list field, as text
      var list = data.lists[field];
      if (!list.start) {  // where each event's items begin, once
        list.start = new Int32Array(list.count.length + 1);
        for (var k = 0; k < list.count.length; k++) list.start[k + 1] = list.start[k] + list.count[k];
      }
      return list.items.slice(list.start[i], list.start[i + 1]);
    }
    return {
      title: E.title[i] || E.id[i], id: E.id[i], kind: data.kinds[E.kind[i]],
      when: S[E.when[i]], local: S[E.local[i]], utc: S[E.utc[i]], place: S[E.place[i]],
      origin: names("origin").map(function (k) { return S[k]; }),
      participants: names("participants").map(function (k) { return S[k]; }),
      status: data.statuses[E.status[i]],
      sources: names("sources").map(function (k) { return { text: S[k], url: data.links[k] }; }),
      notes: E.notes[i], flight: flight ? flight.facts : null
    };
  }

  function buildPopup(p) {
    var root = el("div", "geo-popup");
    root.appendChild(el("div", "geo-popup-title", p.title));
    var dl = el("dl");
    function row(label, value) {
      if (value === undefined || value === null || value === "" ||
          (Array.isArray(value) && value.length === 0)) return;
      dl.appendChild(el("dt", null, label));
      var dd = el("dd", null, Array.isArray(value) ? value.join("; ") : value);
      dl.appendChild(dd);
      return dd;
    }
    row("When", p.when);
    row("Local", p.local);
    row("UTC", p.utc);
    row("Kind", p.kind);
    row("Place", p.place);
    row("From", p.origin);
    row("Who", p.participants);
    var st = row("Status", p.status);
    if (st) st.className = "geo-status-" + p.status;
    if (p.flight) {
      dl.appendChild(el("dt", null, "Flight"));
      var fd = el("dd");
      p.flight.forEach(function (line) { if (line) fd.appendChild(el("div", null, line)); });
      dl.appendChild(fd);
    }
    dl.appendChild(el("dt", null, "Sources"));
    var sd = el("dd");
    var ul = el("ul", "geo-sources");
    p.sources.forEach(function (s) {
      var li = el("li");
      if (s.url) {
        var a = el("a", null, s.text);
        a.setAttribute("href", s.url);
        a.setAttribute("target", "_blank");
        a.setAttribute("rel", "noopener noreferrer");
        li.appendChild(a);
      } else {
        li.textContent = s.text;
      }
      ul.appendChild(li);
    });
    sd.appendChild(ul);
    dl.appendChild(sd);
    row("Notes", p.notes);
    row("Id", p.id);
    root.appendChild(dl);
    return root;
  }

  // Many features: one canvas each for points and lines, drawn in style buckets from
  // precomputed Web Mercator coordinates, instead of one Leaflet layer per feature.
  var CanvasLayer = L.Layer.extend({
    initialize: function (spec) {
      this.spec = spec; this._frame = null; this._full = true; this._dirty = null;
    },
    onAdd: function (map) {
      this._map = map;
      this._canvas = L.DomUtil.create("canvas", "geo-canvas leaflet-zoom-hide");
      map.getPane(this.spec.pane).appendChild(this._canvas);
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
      this._full = true;
      this._draw();
    },
    // Redraw next frame: everything, or only what meets a box (mercator [x0, y0, x1, y1]).
    redraw: function (box) {
      if (!this._map) return;
      if (!box) {
        this._full = true;
      } else if (!this._full) {
        var d = this._dirty;
        this._dirty = d ? [Math.min(d[0], box[0]), Math.min(d[1], box[1]),
                           Math.max(d[2], box[2]), Math.max(d[3], box[3])] : box.slice();
      }
      if (!this._frame) this._frame = L.Util.requestAnimFrame(this._draw, this);
    },
    _origin: function () {  // container pixel = o.x + mx * o.s
      var map = this._map, s = 256 * Math.pow(2, map.getZoom());
      var ref = map.latLngToContainerPoint([0, 0]);
      return { x: ref.x - 0.5 * s, y: ref.y - 0.5 * s, s: s };
    },
    _draw: function () {
      this._frame = null;
      if (!this._map) return;
      var ctx = this._canvas.getContext("2d"), size = this._map.getSize();
      var o = this._origin(), self = this;
      var view = [0, 0, size.x, size.y];
      if (!this._full) {
        if (!this._dirty) return;
        var d = this._dirty, pad = this.spec.pad || 14;
        view = [Math.max(0, Math.floor(o.x + d[0] * o.s - pad)),
                Math.max(0, Math.floor(o.y + d[1] * o.s - pad)),
                Math.min(size.x, Math.ceil(o.x + d[2] * o.s + pad)),
                Math.min(size.y, Math.ceil(o.y + d[3] * o.s + pad))];
      }
      this._full = false;
      this._dirty = null;
      if (view[2] <= view[0] || view[3] <= view[1]) return;
      ctx.setTransform(this._dpr, 0, 0, this._dpr, 0, 0);
      ctx.save();
      ctx.beginPath();
      ctx.rect(view[0], view[1], view[2] - view[0], view[3] - view[1]);
      ctx.clip();
      ctx.clearRect(view[0], view[1], view[2] - view[0], view[3] - view[1]);
      this.spec.buckets.forEach(function (b) {
        // dash patterns cost much on long canvas paths: only once zoomed in far enough
        var dashed = b.dash &&
          (!self.spec.dashFromZoom || self._map.getZoom() >= self.spec.dashFromZoom);
        ctx.setLineDash(dashed ? b.dash.split(" ").map(Number) : []);
        ctx.strokeStyle = b.stroke;
        ctx.lineWidth = b.weight;
        if (b.fill) ctx.fillStyle = b.fill;
        ctx.beginPath();
        if (!self._trace(ctx, b, o, view)) return;
        if (b.fill) {
          ctx.globalAlpha = b.fillOpacity;
          ctx.fill();
        }
        ctx.globalAlpha = b.opacity;
        ctx.stroke();
      });
      ctx.restore();
    }
  });

  var PointsLayer = CanvasLayer.extend({
    // Each style bucket's marker is drawn once into a sprite, then stamped with drawImage:
    // much faster than filling one path of many circles.
    _sprite: function (b) {
      var dpr = this._dpr, dashed = b.dash && this._map.getZoom() >= (this.spec.dashFromZoom || 0);
      var key = dpr + ":" + (dashed ? 1 : 0);
      if (b.sprites && b.sprites[key]) return b.sprites[key];
      var half = Math.ceil(b.radius + b.weight) + 1, c = document.createElement("canvas");
      c.width = c.height = Math.ceil(2 * half * dpr);
      var g = c.getContext("2d");
      g.scale(dpr, dpr);
      g.beginPath();
      g.arc(half, half, b.radius, 0, 2 * Math.PI);
      g.globalAlpha = b.fillOpacity; g.fillStyle = b.fill; g.fill();
      g.globalAlpha = b.opacity; g.strokeStyle = b.stroke; g.lineWidth = b.weight;
      g.setLineDash(dashed ? b.dash.split(" ").map(Number) : []);
      g.stroke();
      b.sprites = b.sprites || {};
      return (b.sprites[key] = { canvas: c, half: half });
    },
    _trace: function (ctx, b, o, view) {
      var sp = this.spec, shown = sp.shown, mx = sp.mx, my = sp.my, r = b.radius + b.weight;
      var sprite = this._sprite(b), half = sprite.half, size = 2 * half;
      ctx.globalAlpha = 1;
      for (var k = 0; k < b.members.length; k++) {
        var i = b.members[k];
        if (!shown[i]) continue;
        var x = o.x + mx[i] * o.s, y = o.y + my[i] * o.s;
        if (x < view[0] - r || y < view[1] - r || x > view[2] + r || y > view[3] + r) continue;
        ctx.drawImage(sprite.canvas, x - half, y - half, size, size);
      }
      return 0;  // drawn already: nothing to fill or stroke
    },
    nearest: function (pt, maxPx) {  // the shown point nearest a container point, or -1
      if (!this._map) return -1;
      var sp = this.spec, o = this._origin(), best = -1, bestD = maxPx * maxPx;
      for (var i = 0; i < sp.mx.length; i++) {
        if (!sp.shown[i] || sp.skip[i]) continue;
        var dx = o.x + sp.mx[i] * o.s - pt.x, dy = o.y + sp.my[i] * o.s - pt.y;
        var d = dx * dx + dy * dy;
        if (d <= bestD) { bestD = d; best = i; }
      }
      return best;
    }
  });

  // lines[j] = {event: i, xy: Float64Array [mx, my, …], box: [x0, y0, x1, y1]}
  var LinesLayer = CanvasLayer.extend({
    _trace: function (ctx, b, o, view) {
      var sp = this.spec, shown = sp.shown, drawn = 0;
      for (var k = 0; k < b.members.length; k++) {
        var line = sp.lines[b.members[k]];
        if (!shown[line.event] || line.n === 0) continue;
        var bx = line.box;
        if (o.x + bx[2] * o.s < view[0] || o.x + bx[0] * o.s > view[2] ||
            o.y + bx[3] * o.s < view[1] || o.y + bx[1] * o.s > view[3]) continue;
        var xy = line.xy, end = line.n === undefined ? xy.length : 2 * line.n;
        ctx.moveTo(o.x + xy[0] * o.s, o.y + xy[1] * o.s);
        for (var q = 2; q < end; q += 2) ctx.lineTo(o.x + xy[q] * o.s, o.y + xy[q + 1] * o.s);
        if (line.tail) ctx.lineTo(o.x + line.tail[0] * o.s, o.y + line.tail[1] * o.s);
        drawn++;
        if (drawn % 64 === 0) {  // stroke in small batches: simple paths rasterize faster
          ctx.globalAlpha = b.opacity;
          ctx.stroke();
          ctx.beginPath();
        }
      }
      return drawn;
    },
    nearest: function (pt, maxPx) {  // the event of the shown line nearest a point, or -1
      if (!this._map) return -1;
      var sp = this.spec, o = this._origin(), best = -1, bestD = maxPx * maxPx;
      var px = (pt.x - o.x) / o.s, py = (pt.y - o.y) / o.s, m = maxPx / o.s;
      for (var j = 0; j < sp.lines.length; j++) {
        var line = sp.lines[j], bx = line.box;
        if (!sp.shown[line.event] || line.n === 0) continue;
        if (px < bx[0] - m || px > bx[2] + m || py < bx[1] - m || py > bx[3] + m) continue;
        var xy = line.xy, end = line.n === undefined ? xy.length : 2 * line.n;
        for (var q = 2; q < end; q += 2) {
          var ax = (xy[q - 2] - px) * o.s, ay = (xy[q - 1] - py) * o.s;
          var ex = (xy[q] - xy[q - 2]) * o.s, ey = (xy[q + 1] - xy[q - 1]) * o.s;
          var len = ex * ex + ey * ey;
          var u = len > 0 ? Math.max(0, Math.min(1, -(ax * ex + ay * ey) / len)) : 0;
          var dx = ax + u * ex, dy = ay + u * ey, d = dx * dx + dy * dy;
          if (d <= bestD) { bestD = d; best = line.event; }
        }
      }
      return best;
    }
  });

  function toLines(list) {  // [{event, latlngs}] -> lines with mercator xy and boxes
    return list.map(function (x) {
      var xy = new Float64Array(x.latlngs.length * 2);
      var box = [Infinity, Infinity, -Infinity, -Infinity];
      x.latlngs.forEach(function (ll, k) {
        var p = mercator(ll[0], ll[1]);
        xy[2 * k] = p[0]; xy[2 * k + 1] = p[1];
        box[0] = Math.min(box[0], p[0]); box[1] = Math.min(box[1], p[1]);
        box[2] = Math.max(box[2], p[0]); box[3] = Math.max(box[3], p[1]);
      });
      return { event: x.event, xy: xy, box: box, style: x.style };
    });
  }

  function bucketsOf(keys, styleOf) {  // group member indices by style key
    var by = {};
    keys.forEach(function (key, k) { if (key !== null) (by[key] = by[key] || []).push(k); });
    return Object.keys(by).sort().map(function (key) {
      var members = by[key];
      return L.extend({ members: Int32Array.from(members) }, styleOf(members[0]));
    });
  }

  function mercator(lat, lon) {  // Web Mercator, 0..1 across the world
    var s = Math.sin(Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI / 180);
    return [(lon + 180) / 360, 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)];
  }

  function init(map, groups, dataId, options) {
    // the final view first, so the layers below are drawn once, for it
    if (options.fit) map.fitBounds(options.fit, { animate: false });
    var data = JSON.parse(document.getElementById(dataId).textContent);
    var E = data.events;
    var n = E.t0.length;
    var kinds = data.kinds, statuses = data.statuses;
    var useCanvas = n > (options.svgLimit || 5000);
    var renderer = useCanvas ? L.canvas({ padding: 0.2 }) : L.svg({ padding: 0.2 });
    var scale = data.coordScale;
    function latlngsOf(flat) {  // [lat, lon, …] in 1/scale degree -> [[lat, lon], …]
      var out = new Array(flat.length / 2);
      for (var k = 0; k < flat.length; k += 2) out[k / 2] = [flat[k] / scale, flat[k + 1] / scale];
      return out;
    }
    var arcsByEvent = {};  // event -> its arcs, each a flat [lat, lon, …] list
    var A = data.arcs;
    for (var j = 0; j < A.event.length; j++) {
      (arcsByEvent[A.event[j]] = arcsByEvent[A.event[j]] || [])
        .push(A.coords.slice(A.offset[j], A.offset[j + 1]));
    }
    function arcCoordsOf(i) { return arcsByEvent[i] || []; }
    var flightOf = {};
    data.flights.forEach(function (f, k) {
      flightOf[f.event] = k;
      var t0 = E.t0[f.event];
      f.latlngs = latlngsOf(f.path);
      f.times = f.times.map(function (dt) { return t0 + dt; });
    });
    var state = { tz: data.tz || "UTC", mode: "cumulative", windowMs: WINDOWS[1][1],
                  index: 0, playing: null };

    function styleFor(i, line) {
      var kind = kinds[E.kind[i]], status = statuses[E.status[i]];
      var ks = data.style.kinds[kind], ss = data.style.statuses[status];
      var cls = "geo-ev geo-kind-" + kind + " geo-status-" + status +
        (E.precedent[i] ? " geo-precedent" : "");
      var s = {
        renderer: renderer, color: ks.color, opacity: ss.opacity, className: cls,
        dashArray: (line ? ks.dash : "") || ss.dash || null
      };
      if (line) {
        // canvas mode (many events): thin lines, which software rasterizers draw fast
        s.weight = useCanvas ? (kind === "agreement" ? 2 : 1) : (kind === "agreement" ? 4 : 2.5);
        s.className += " geo-arc";
        s.interactive = true;
      } else {
        s.radius = E.precedent[i] ? 11 : 7;
        s.weight = E.precedent[i] ? 3.5 : 1.5;
        s.fillColor = ks.color;
        s.fillOpacity = ss.fill;
        if (E.precedent[i]) s.color = "#111";
        s.className += " geo-marker";
      }
      return s;
    }

    function popupFor(i) {
      return function () {
        return buildPopup(popupFields(data, i, i in flightOf ? data.flights[flightOf[i]] : null));
      };
    }
    function tooltipFor(i) { return function () { return el("span", null, E.title[i] || E.id[i]); }; }

    // One entry per event: the layers that show it, in its group. With many events, markers,
    // arcs and flight routes are drawn by three canvas layers instead (evShown says which).
    var items = new Array(n);
    var evShown = useCanvas ? new Uint8Array(n) : null;
    var arcList = [], routeList = [], arcsOf = {};
    for (var i = 0; i < n; i++) {
      var layers = [];
      if (i in flightOf) {
        var f = data.flights[flightOf[i]];
        var progress = null;
        if (!useCanvas) {
          progress = L.polyline([f.latlngs[0]], L.extend(styleFor(i, true), {
            weight: 3.5, className: "geo-ev geo-flight-track geo-kind-flight geo-status-" +
              statuses[E.status[i]]
          }));
          progress.bindPopup(popupFor(i), { maxWidth: 360 }).bindTooltip(tooltipFor(i));
        }
        var icon = L.divIcon({ className: "geo-aircraft", html: PLANE_SVG, iconSize: [26, 26],
                               iconAnchor: [13, 13] });
        var plane = L.marker(f.latlngs[0], { icon: icon, keyboard: false,
                                             title: "", interactive: true });
        plane.bindPopup(popupFor(i), { maxWidth: 360 });
        var fixed = [];
        if (useCanvas) {
          f.line = routeList.length;
          routeList.push({ event: i, latlngs: f.latlngs, style: "route" });
        } else {
          fixed.push(L.polyline(f.latlngs, {
            renderer: renderer, color: "#0072B2", weight: 1.5, opacity: 0.35, dashArray: "2 6",
            className: "geo-flight-route", interactive: false
          }));
          [f.latlngs[0], f.latlngs[f.latlngs.length - 1]].forEach(function (ll) {
            fixed.push(L.circleMarker(ll, { renderer: renderer, radius: 4, color: "#0072B2",
                                            weight: 1.5, fillColor: "#fff", fillOpacity: 1,
                                            className: "geo-airport" }));
          });
        }
        items[i] = { group: groups.flights, flight: f, fixed: fixed, progress: progress,
                     plane: plane, shown: false, planeShown: false };
        continue;
      }
      if (useCanvas) {
        arcCoordsOf(i).forEach(function (flat) {
          (arcsOf[i] = arcsOf[i] || []).push(arcList.length);
          arcList.push({ event: i, latlngs: latlngsOf(flat), style: E.kind[i] + ":" + E.status[i] });
        });
      } else {
        var m = L.circleMarker([E.lat[i] / scale, E.lon[i] / scale], styleFor(i, false));
        m.bindPopup(popupFor(i), { maxWidth: 360 }).bindTooltip(tooltipFor(i));
        layers.push({ layer: m, group: groups.events });
        arcCoordsOf(i).forEach(function (flat) {
          var arc = L.polyline(latlngsOf(flat), styleFor(i, true));
          arc.bindPopup(popupFor(i), { maxWidth: 360 }).bindTooltip(tooltipFor(i));
          layers.push({ layer: arc, group: groups.arcs });
        });
      }
      items[i] = { layers: layers, shown: false };
    }

    var points = null, arcsLayer = null, routesLayer = null, progressLayer = null;
    var arcLines = [], routeLines = [], progressLines = [];
    if (useCanvas) {
      var mx = new Float64Array(n), my = new Float64Array(n), skip = new Uint8Array(n);
      var pointKeys = [];
      for (i = 0; i < n; i++) {
        var p = mercator(E.lat[i] / scale, E.lon[i] / scale);
        mx[i] = p[0]; my[i] = p[1];
        skip[i] = i in flightOf ? 1 : 0;
        pointKeys.push(skip[i] ? null : E.precedent[i] + ":" + E.kind[i] + ":" + E.status[i]);
      }
      map.createPane("geoLines").style.zIndex = 420;
      map.createPane("geoPoints").style.zIndex = 450;
      points = new PointsLayer({
        pane: "geoPoints", mx: mx, my: my, shown: evShown, skip: skip, dashFromZoom: 5,
        buckets: bucketsOf(pointKeys, function (i) {
          var st = styleFor(i, false);
          return { radius: st.radius, weight: st.weight, fill: st.fillColor,
                   fillOpacity: st.fillOpacity, stroke: st.color, opacity: st.opacity,
                   dash: st.dashArray };
        })
      });
      arcLines = toLines(arcList);
      arcsLayer = new LinesLayer({
        pane: "geoLines", lines: arcLines, shown: evShown, dashFromZoom: 5,
        buckets: bucketsOf(arcLines.map(function (l) { return l.style; }), function (j) {
          var st = styleFor(arcLines[j].event, true);
          return { weight: st.weight, stroke: st.color, opacity: st.opacity, dash: st.dashArray };
        })
      });
      routeLines = toLines(routeList);
      routesLayer = new LinesLayer({
        pane: "geoLines", lines: routeLines, shown: evShown, dashFromZoom: 5,
        buckets: bucketsOf(routeLines.map(function () { return "route"; }), function () {
          return { weight: 1, stroke: "#0072B2", opacity: 0.35, dash: "2 6" };
        })
      });
      // the part flown so far: the same lines, cut at the aircraft (n vertices and a tail)
      progressLines = routeLines.map(function (l) {
        return { event: l.event, xy: l.xy, box: l.box, n: 0, tail: null };
      });
      progressLayer = new LinesLayer({
        pane: "geoLines", lines: progressLines, shown: evShown, dashFromZoom: 5,
        buckets: bucketsOf(progressLines.map(function (l) { return String(E.status[l.event]); }),
          function (j) {
            var st = styleFor(progressLines[j].event, true);
            return { weight: 2, stroke: st.color, opacity: st.opacity, dash: st.dashArray };
          })
      });
      groups.events.addLayer(points);
      groups.arcs.addLayer(arcsLayer);
      groups.flights.addLayer(routesLayer);
      groups.flights.addLayer(progressLayer);

      var tip = L.tooltip({ direction: "top", offset: [0, -8] });
      var hoverFrame = null, hoverPoint = null;
      var pick = function (pt) {  // the event under a container point: markers first
        var k = map.hasLayer(points) ? points.nearest(pt, 10) : -1;
        if (k < 0 && map.hasLayer(arcsLayer)) k = arcsLayer.nearest(pt, 6);
        if (k < 0 && map.hasLayer(progressLayer)) k = progressLayer.nearest(pt, 6);
        return k;
      };
      map.on("click", function (ev) {
        var k = pick(ev.containerPoint);
        if (k < 0) return;
        var at = points.nearest(ev.containerPoint, 10) === k
          ? L.latLng(E.lat[k] / scale, E.lon[k] / scale) : ev.latlng;
        L.popup({ maxWidth: 360 }).setLatLng(at).setContent(popupFor(k)()).openOn(map);
      });
      map.on("mousemove", function (ev) {
        hoverPoint = ev.containerPoint;
        if (hoverFrame) return;
        hoverFrame = L.Util.requestAnimFrame(function () {
          hoverFrame = null;
          var k = pick(hoverPoint);
          map.getContainer().style.cursor = k < 0 ? "" : "pointer";
          if (k < 0) { map.closeTooltip(tip); return; }
          tip.setLatLng(map.containerPointToLatLng(hoverPoint)).setContent(tooltipFor(k)());
          if (!map.hasLayer(tip)) tip.openOn(map);
        });
      });
    }

    // Slider stops: every event's start and end, plus every minute of every flight.
    function uniqueSorted(values) {  // Float64Array, sorted numerically, duplicates dropped
      values.sort();
      var m = 0;
      for (var k = 0; k < values.length; k++) {
        if (k === 0 || values[k] !== values[m - 1]) values[m++] = values[k];
      }
      return Array.from(values.subarray(0, m));
    }
    var total = 2 * n;
    data.flights.forEach(function (f) {
      total += Math.max(0, Math.ceil((E.t1[f.event] - E.t0[f.event]) / MINUTE) + 1);
    });
    var all = new Float64Array(total), filled = 0;
    for (i = 0; i < n; i++) { all[filled++] = E.t0[i]; all[filled++] = E.t1[i]; }
    data.flights.forEach(function (f) {
      var a = E.t0[f.event], b = E.t1[f.event];
      for (var t = Math.ceil(a / MINUTE) * MINUTE; t < b; t += MINUTE) all[filled++] = t;
    });
    var stops = uniqueSorted(all.subarray(0, filled));
    var eventStops = uniqueSorted(Float64Array.from(E.t0));
    if (stops.length === 0) stops = [Date.now()];

    function visible(i, t) {
      if (state.mode === "cumulative") return E.t0[i] <= t;
      return E.t0[i] <= t + state.windowMs && E.t1[i] >= t - state.windowMs;
    }

    function setShown(item, on) {
      if (item.shown === on) return;
      item.shown = on;
      item.layers.forEach(function (x) {
        if (on) x.group.addLayer(x.layer); else x.group.removeLayer(x.layer);
      });
    }

    function flightPosition(f, t) {
      var times = f.times, ll = f.latlngs, last = times.length - 1;
      if (t <= times[0]) return { k: 0, latlng: ll[0], heading: bearing(ll[0], ll[1] || ll[0]) };
      if (t >= times[last]) {
        return { k: last, latlng: ll[last], heading: bearing(ll[Math.max(0, last - 1)], ll[last]) };
      }
      var k = lowerBound(times, t) - 1;
      var span = times[k + 1] - times[k];
      var u = span > 0 ? (t - times[k]) / span : 0;
      var lat = ll[k][0] + (ll[k + 1][0] - ll[k][0]) * u;
      var lon = ll[k][1] + (ll[k + 1][1] - ll[k][1]) * u;
      return { k: k, latlng: [lat, lon], heading: bearing(ll[k], ll[k + 1]), u: u };
    }

    function updateFlight(i, t) {
      var it = items[i], f = it.flight;
      var on = visible(i, t);
      var phase = !on ? "hidden" : t < E.t0[i] ? "before" : t >= E.t1[i] ? "after" : "air";
      if (phase === it.phase && phase !== "air") return;  // nothing moves
      it.phase = phase;
      if (on !== it.shown) {
        it.shown = on;
        it.fixed.concat(it.progress ? [it.progress] : []).forEach(function (l) {
          if (on) it.group.addLayer(l); else it.group.removeLayer(l);
        });
        if (evShown) {
          evShown[i] = on ? 1 : 0;
          routesLayer.redraw(routeLines[f.line].box);
          progressLayer.redraw(routeLines[f.line].box);
        }
      }
      var inAir = on && t >= E.t0[i] && t <= E.t1[i];
      if (on) {
        var pos = flightPosition(f, Math.min(t, E.t1[i]));
        if (it.progress) {
          var pts = f.latlngs.slice(0, pos.k + 1);
          if (t < E.t1[i]) pts.push(pos.latlng);
          it.progress.setLatLngs(pts);
        } else {
          var pl = progressLines[f.line];
          pl.n = pos.k + 1;
          pl.tail = t < E.t1[i] ? mercator(pos.latlng[0], pos.latlng[1]) : null;
          progressLayer.redraw(pl.box);
        }
        if (inAir) {
          it.plane.setLatLng(pos.latlng);
          it.heading = pos.heading;
          it.position = pos.latlng;
        }
      }
      if (inAir !== it.planeShown) {
        it.planeShown = inAir;
        if (inAir) it.group.addLayer(it.plane); else it.group.removeLayer(it.plane);
      }
      if (inAir) {
        var node = it.plane.getElement && it.plane.getElement();
        var svg = node && node.querySelector("svg");
        if (svg) svg.style.transform = "rotate(" + it.heading.toFixed(1) + "deg)";
      }
    }

    // ---- the control -------------------------------------------------------------------
    var Control = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        var box = el("div", "geo-timeline leaflet-bar");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    var ctl = new Control();
    ctl.addTo(map);
    var box = ctl.getContainer();
    var row1 = el("div", "geo-row");
    var prevBtn = el("button", "geo-prev", "«");
    prevBtn.type = "button"; prevBtn.title = "Previous event (Shift+←)";
    var playBtn = el("button", "geo-play", "▶");
    playBtn.type = "button"; playBtn.title = "Play / pause (Space)";
    var nextBtn = el("button", "geo-next", "»");
    nextBtn.type = "button"; nextBtn.title = "Next event (Shift+→)";
    var label = el("span", "geo-time-label");
    label.setAttribute("aria-live", "polite");
    row1.appendChild(prevBtn); row1.appendChild(playBtn); row1.appendChild(nextBtn);
    row1.appendChild(label);
    var slider = el("input", "geo-slider");
    slider.type = "range"; slider.min = "0"; slider.max = String(stops.length - 1);
    slider.step = "1"; slider.setAttribute("aria-label", "Time");
    var row2 = el("div", "geo-row geo-options");
    var modeSel = el("select", "geo-mode");
    [["cumulative", "Everything up to t"], ["window", "Only around t (±)"]].forEach(function (o) {
      var opt = el("option", null, o[1]); opt.value = o[0]; modeSel.appendChild(opt);
    });
    var winSel = el("select", "geo-window");
    WINDOWS.forEach(function (w) {
      var opt = el("option", null, "± " + w[0]); opt.value = String(w[1]); winSel.appendChild(opt);
    });
    winSel.value = String(state.windowMs);
    winSel.disabled = true;
    var tzSel = el("select", "geo-tz");
    var viewer = "UTC";
    try { viewer = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (e) { /**/ }
    var zones = data.zones.slice();
    if (zones.indexOf(viewer) < 0) zones.push(viewer);
    zones.forEach(function (z) {
      var opt = el("option", null, z === viewer ? z + " (yours)" : z); opt.value = z;
      tzSel.appendChild(opt);
    });
    tzSel.value = state.tz;
    var count = el("span", "geo-count");
    row2.appendChild(modeSel); row2.appendChild(winSel); row2.appendChild(tzSel);
    row2.appendChild(count);
    box.appendChild(row1); box.appendChild(slider); box.appendChild(row2);

    var formatters = {};
    function fmt(t) {
      var f = formatters[state.tz];
      if (!f) {
        try {
          f = new Intl.DateTimeFormat("en-GB", {
            timeZone: state.tz, year: "numeric", month: "short", day: "2-digit",
            hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
          });
        } catch (e) {
          f = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", dateStyle: "medium",
                                                 timeStyle: "short" });
        }
        formatters[state.tz] = f;
      }
      return f.format(new Date(t));
    }

    function render() {
      var t = stops[state.index];
      var shown = 0;
      for (var i = 0; i < n; i++) {
        var it = items[i];
        if (it.flight) {
          updateFlight(i, t);
        } else {
          var on = visible(i, t);
          if (it.shown !== on) {
            setShown(it, on);
            if (evShown) {
              evShown[i] = on ? 1 : 0;
              var x = points.spec.mx[i], y = points.spec.my[i];
              points.redraw([x, y, x, y]);
              (arcsOf[i] || []).forEach(function (j) { arcsLayer.redraw(arcLines[j].box); });
            }
          }
        }
        if (it.shown) shown++;
      }
      slider.value = String(state.index);
      label.textContent = fmt(t);
      count.textContent = shown + " / " + n + " events";
      state.shown = shown;
    }

    function setIndex(k) {
      state.index = Math.max(0, Math.min(stops.length - 1, k));
      render();
    }
    function jump(dir) {
      var t = stops[state.index];
      var k = dir > 0 ? lowerBound(eventStops, t + 1) : lowerBound(eventStops, t) - 1;
      if (k < 0 || k >= eventStops.length) return;
      setIndex(lowerBound(stops, eventStops[k]));
    }
    function play() {
      if (state.playing) {
        clearInterval(state.playing); state.playing = null; playBtn.textContent = "▶"; return;
      }
      if (state.index >= stops.length - 1) setIndex(0);
      playBtn.textContent = "⏸";
      state.playing = setInterval(function () {
        if (state.index >= stops.length - 1) { play(); return; }
        setIndex(state.index + 1);
      }, options.playIntervalMs || 120);
    }

    slider.addEventListener("input", function () { setIndex(Number(slider.value)); });
    prevBtn.addEventListener("click", function () { jump(-1); });
    nextBtn.addEventListener("click", function () { jump(1); });
    playBtn.addEventListener("click", play);
    modeSel.addEventListener("change", function () {
      state.mode = modeSel.value; winSel.disabled = state.mode !== "window"; render();
    });
    winSel.addEventListener("change", function () { state.windowMs = Number(winSel.value); render(); });
    tzSel.addEventListener("change", function () { state.tz = tzSel.value; render(); });
    box.addEventListener("keydown", function (ev) {
      if (ev.target.tagName === "SELECT") return;
      if (ev.key === "ArrowLeft" || ev.key === "ArrowRight") {
        var dir = ev.key === "ArrowLeft" ? -1 : 1;
        if (ev.shiftKey) jump(dir); else setIndex(state.index + dir);
        ev.preventDefault();
      } else if (ev.key === " ") {
        play(); ev.preventDefault();
      }
    });

    // ---- legend ------------------------------------------------------------------------
    var Legend = L.Control.extend({
      options: { position: "bottomright" },
      onAdd: function () {
        var lg = el("div", "geo-legend leaflet-bar");
        var details = el("details");
        details.open = !options.legendCollapsed && map.getSize().y >= 700;  // small maps: closed
        details.appendChild(el("summary", null, "Legend"));
        function swatch(color, dash, opacity, text, thick) {
          var line = el("div", "geo-legend-row");
          var ns = "http://www.w3.org/2000/svg";
          var svg = document.createElementNS(ns, "svg");
          svg.setAttribute("width", "34"); svg.setAttribute("height", "12");
          var path = document.createElementNS(ns, "line");
          path.setAttribute("x1", "2"); path.setAttribute("y1", "6");
          path.setAttribute("x2", "32"); path.setAttribute("y2", "6");
          path.setAttribute("stroke", color); path.setAttribute("stroke-width", thick || "3");
          path.setAttribute("stroke-opacity", String(opacity));
          if (dash) path.setAttribute("stroke-dasharray", dash);
          svg.appendChild(path);
          line.appendChild(svg); line.appendChild(el("span", null, text));
          details.appendChild(line);
        }
        details.appendChild(el("div", "geo-legend-head", "Kind (colour, arc style)"));
        kinds.forEach(function (k) {
          var ks = data.style.kinds[k];
          swatch(ks.color, ks.dash, 1, ks.label, k === "agreement" ? "4" : "3");
        });
        details.appendChild(el("div", "geo-legend-head", "Status"));
        statuses.forEach(function (s) {
          var ss = data.style.statuses[s];
          swatch("#333", ss.dash, ss.opacity, ss.label);
        });
        details.appendChild(el("div", "geo-legend-head", "Markers"));
        var pr = el("div", "geo-legend-row");
        pr.appendChild(el("span", "geo-legend-precedent", "●"));
        pr.appendChild(el("span", null, "black ring: earlier meeting where a flight lands " +
                                        "(precedent)"));
        details.appendChild(pr);
        var ac = el("div", "geo-legend-row");
        var acIcon = el("span", "geo-legend-plane"); acIcon.innerHTML = PLANE_SVG;
        ac.appendChild(acIcon);
        ac.appendChild(el("span", null, "aircraft along its great-circle track"));
        details.appendChild(ac);
        lg.appendChild(details);
        L.DomEvent.disableClickPropagation(lg);
        L.DomEvent.disableScrollPropagation(lg);
        return lg;
      }
    });
    new Legend().addTo(map);

    if (data.title) {
      var Title = L.Control.extend({
        options: { position: "topleft" },
        onAdd: function () { return el("div", "geo-title leaflet-bar", data.title); }
      });
      new Title().addTo(map);
    }

    state.index = stops.length - 1;
    render();

    var api = {
      stops: stops,
      eventStops: eventStops,
      setIndex: setIndex,
      setTime: function (t) { setIndex(Math.min(stops.length - 1, lowerBound(stops, t))); },
      next: function () { jump(1); },
      prev: function () { jump(-1); },
      setMode: function (mode, windowMs) {
        state.mode = mode; modeSel.value = mode; winSel.disabled = mode !== "window";
        if (windowMs) { state.windowMs = windowMs; }
        render();
      },
      setZone: function (z) { state.tz = z; render(); },
      label: function () { return label.textContent; },
      index: function () { return state.index; },
      shownCount: function () { return state.shown; },
      canvasPoints: function () { return points !== null; },
      whenLabel: function (id) {
        var i = E.id.indexOf(id);
        return popupFields(data, i, null).when;
      },
      pointAt: function (id) {  // container pixel of an event's marker
        var i = E.id.indexOf(id);
        return map.latLngToContainerPoint([E.lat[i] / scale, E.lon[i] / scale]);
      },
      aircraft: function () {
        return data.flights.map(function (f) {
          var it = items[f.event];
          return { shown: it.planeShown, latlng: it.plane.getLatLng(), heading: it.heading };
        });
      },
      openPopup: function (id) {
        var i = E.id.indexOf(id);
        if (i < 0) return false;
        var it = items[i];
        if (!it.shown) return false;
        if (points) {
          var at = it.flight && it.planeShown ? it.plane.getLatLng()
            : L.latLng(E.lat[i] / scale, E.lon[i] / scale);
          L.popup({ maxWidth: 360 }).setLatLng(at).setContent(popupFor(i)()).openOn(map);
        } else {
          (it.flight ? it.progress : it.layers[0].layer).openPopup();
        }
        return true;
      },
      map: map
    };
    window.geoTimeline = api;
    return api;
  }

  window.geoTimelineInit = init;
})();
