/* The event layers as SVG elements (up to meta.svgLimit events): one Leaflet path per marker,
 * cluster and line, so every feature is an element a test, a screen reader or a stylesheet
 * can find. Same interface as the canvas layers (71-layers-canvas.js):
 *   new Layers(map, scene, groups, ctx); layers.render(); layers.airborneAt(f)
 * ctx.openEvent(i, latlng), ctx.openList(events, heading, latlng), ctx.tip(events)
 */
(function () {
  "use strict";

  GEO.planeIcon = function (color, size, outline) {
    return '<svg viewBox="-12 -12 24 24" width="' + size + '" height="' + size +
      '" aria-hidden="true"><path d="M0-11 L2-3 L10 2 L10 4 L2 1.5 L1.5 7 L4 9 L4 10.5 L0 9.5 ' +
      'L-4 10.5 L-4 9 L-1.5 7 L-2 1.5 L-10 4 L-10 2 L-2-3 Z" fill="' + color +
      '" stroke="' + outline + '" stroke-width="1"/></svg>';
  };

  // Shared by both implementations: geometry of lines and flights, from the scene's model.
  GEO.Shapes = function (scene) {
    this.scene = scene;
    this.m = scene.m;
    this._lines = {};
    this._flights = {};
  };
  // A line's geodesic and full-detail vertices ([lat, lon, ...]); a route takes the spacing
  // of its first flight's track; a recorded flight's line is its recorded path.
  GEO.Shapes.prototype.line = function (g) {
    var c = this._lines[g];
    if (c) return c;
    var m = this.m, G = this.scene.groups, P_ = m.places, rule = m.meta.rule;
    var first = this.scene.lineEvent[G.members.items[G.members.start[g]]];
    if (G.recorded[g]) {
      var shape = this.flight(m.flightOf[first]);
      return (this._lines[g] = { geo: shape.geo, n: shape.points.length / 2, points: shape.points,
                                 shape: shape });
    }
    var a = G.from[g], b = G.to[g];
    var geo = GEO.geodesic.line(P_.lat[a], P_.lon[a], P_.lat[b], P_.lon[b]);
    var km = geo.s13 / 1000, n;
    if (G.kind[g] === this.scene.isFlightKind) {
      n = GEO.geodesic.trackSegments(km, (m.t1[first] - rule.instantMs - m.t0[first]) / 60000, rule) + 1;
    } else {
      n = GEO.geodesic.arcPoints(km, rule);
    }
    return (this._lines[g] = { geo: geo, n: n, km: km, points: null });
  };
  // A line's vertices for a zoom: the full ones (computed when first needed), or for low
  // zooms coarser ones (within about a pixel: every k-th of the full ones).
  GEO.Shapes.prototype.linePoints = function (g, zoom) {
    var c = this.line(g), coarse = Math.pow(2, Math.max(0, 6 - zoom));
    if (c.shape) return c.points;
    if (coarse <= 1 || c.n <= 3) return c.points || (c.points = GEO.geodesic.points(c.geo, c.n));
    var key = "z" + coarse;
    if (c[key]) return c[key];
    var n = Math.max(2, Math.ceil((c.n - 1) / coarse) + 1);
    return (c[key] = GEO.geodesic.points(c.geo, n));
  };
  // Flight f: its geodesic and track vertices with their times (geometry.flight_tracks), or
  // its recorded track (GEO.track) with the great circle kept as `reference`.
  GEO.Shapes.prototype.flight = function (f) {
    var c = this._flights[f];
    if (c) return c;
    var m = this.m, P_ = m.places, i = m.flights.event[f], a = m.flights.from[f], b = m.place[i];
    var geo = GEO.geodesic.line(P_.lat[a], P_.lon[a], P_.lat[b], P_.lon[b]);
    var dep = m.t0[i], arr = m.t1[i] - m.meta.rule.instantMs;  // the arrival (t1 is exclusive)
    var segments = GEO.geodesic.trackSegments(geo.s13 / 1000, (arr - dep) / 60000, m.meta.rule);
    var circle = GEO.geodesic.points(geo, segments + 1);
    if (m.recOf[f] >= 0) {
      c = GEO.track.shape(m, m.recOf[f]);
      c.geo = geo; c.event = i; c.reference = circle; c.recorded = m.recOf[f];
      return (this._flights[f] = c);
    }
    c = this._flights[f] = { geo: geo, dep: dep, arr: arr, event: i, points: circle };
    return c;
  };
  // Where flight f is at t: {lat, lon, azi, k (vertices flown), fraction}.
  GEO.Shapes.prototype.aircraft = function (f, t) {
    var c = this.flight(f), span = c.arr - c.dep;
    var u = span > 0 ? GEO.clamp((t - c.dep) / span, 0, 1) : 1;
    if (c.recorded !== undefined) {
      var at = GEO.track.at(c, t);
      at.fraction = u;
      return at;
    }
    var pos = GEO.geodesic.at(c.geo, u, this.m.meta.rule);
    var nPts = c.points.length / 2;
    pos.k = Math.min(nPts - 1, Math.floor(u * (nPts - 1) + 1e-9));
    pos.fraction = u;
    return pos;
  };
  function latlngs(points, k, tail) {  // [lat, lon, ...] (the first k + 1, then tail) -> LatLngs
    var n = k === undefined ? points.length / 2 : k + 1, out = new Array(n);
    for (var q = 0; q < n; q++) out[q] = [points[2 * q], points[2 * q + 1]];
    if (tail) out.push(tail);
    return out;
  }
  GEO.latlngs = latlngs;

  // ---- the fading trail behind an aircraft (deck.gl's trips layer): the last trail_share of
  // the flight's time, in trail_steps pieces, fainter and thinner the older they are -------
  var TRAIL_SAMPLES = 4;  // positions per piece
  GEO.trailPieces = function (mk) {  // each piece's style, oldest first
    var out = [];
    for (var s = 0; s < mk.trail_steps; s++) {
      var u = (s + 1) / mk.trail_steps;
      out.push({ opacity: mk.trail_opacity * u, weight: mk.trail_weight * (0.4 + 0.6 * u) });
    }
    return out;
  };
  // The trail's pieces at t: for each, [[lat, lon], ...] (empty before departure); a piece
  // never crosses the antimeridian jump (the positions are unwrapped onto the aircraft's).
  GEO.trailAt = function (shapes, f, t, mk) {
    var c = shapes.flight(f), span = Math.max(0, c.arr - c.dep);
    var lo = Math.max(c.dep, t - mk.trail_share * span);
    var steps = mk.trail_steps, n = steps * TRAIL_SAMPLES, pts = [];
    for (var q = 0; q <= n; q++) {
      var p = shapes.aircraft(f, lo + (t - lo) * q / n);
      pts.push([p.lat, p.lon]);
    }
    for (q = pts.length - 2; q >= 0; q--) {  // unwrap toward the aircraft
      while (pts[q][1] - pts[q + 1][1] > 180) pts[q][1] -= 360;
      while (pts[q + 1][1] - pts[q][1] > 180) pts[q][1] += 360;
    }
    var out = [];
    for (var s = 0; s < steps; s++) {
      out.push(t > lo ? pts.slice(s * TRAIL_SAMPLES, (s + 1) * TRAIL_SAMPLES + 1) : []);
    }
    return out;
  };

  GEO.SvgLayers = function (map, scene, groups, ctx) {
    this.map = map; this.scene = scene; this.groups = groups; this.ctx = ctx;
    this.shapes = new GEO.Shapes(scene);
    this.m = scene.m;
    // one SVG renderer per pane: a path's pane decides what it is drawn above (a single
    // renderer would put every path in one <svg>, in the order they were added)
    this.renderers = {};
    map.createPane("geoLines").style.zIndex = 410;
    map.createPane("geoFlightLines").style.zIndex = 420;  // flights flown: above the arcs
    map.createPane("geoFlights").style.zIndex = 430;
    var markers = map.createPane("geoMarkers");
    markers.style.zIndex = 620;  // markers take clicks before lines
    map.createPane("geoAircraft").style.zIndex = 640;  // the aircraft above the markers
    this.lines = {};        // group -> polyline
    this.markers = L.layerGroup();
    this.flightLayers = {}; // flight -> {route, progress, plane, ends}
    groups.events.addLayer(this.markers);
    var mk = this.mark = this.m.meta.style.mark;
    [["--geo-cluster-color", mk.cluster_color], ["--geo-cluster-fill", mk.cluster_fill],  // for
     ["--geo-cluster-weight", mk.cluster_weight + "px"], ["--geo-precedent-ring", mk.precedent_ring],
     ["--geo-precedent-weight", mk.precedent_weight + "px"]].forEach(function (v) {  // the CSS
      markers.style.setProperty(v[0], v[1]);
    });
  };

  GEO.SvgLayers.prototype._renderer = function (pane) {
    return this.renderers[pane] || (this.renderers[pane] = L.svg({ padding: 0.5, pane: pane }));
  };

  GEO.SvgLayers.prototype.render = function () {
    this._lines();
    this._flights();
    this._markers();
  };

  GEO.SvgLayers.prototype._lines = function () {
    var sc = this.scene, G = sc.groups, self = this, kinds = this.m.meta.kinds;
    var zoom = this.map.getZoom();
    for (var g = 0; g < G.n; g++) {
      var line = this.lines[g];
      var flight = G.kind[g] === sc.isFlightKind;
      var group = flight ? this.groups.flights : this.groups.arcs;
      if (!G.count[g]) {
        if (line && line._shown) {
          group.removeLayer(line);
          line._extra.forEach(function (l) { group.removeLayer(l); });
          line._shown = false;
        }
        continue;
      }
      var st = sc.lineStyle(g, false);
      if (!line) {
        var recorded = G.recorded[g] ? this.shapes.line(g).shape : null;
        var path = recorded ? GEO.track.pieces(recorded).solid
          : latlngs(this.shapes.linePoints(g, zoom));
        line = this.lines[g] = L.polyline(path, {
          renderer: this._renderer(flight ? "geoFlightLines" : "geoLines"),
          pane: flight ? "geoFlightLines" : "geoLines", interactive: true,
          className: "geo-ev geo-kind-" + kinds[G.kind[g]] +
            (flight ? " geo-flight-done" : " geo-arc") + (recorded ? " geo-recorded" : "")
        });
        line._group = g;
        line._extra = recorded ? this._recordedExtras(recorded, "geoFlightLines")
          .concat(this._altitudeRuns(recorded, undefined, null, "geoFlightLines")) : [];
        line.on("click", function (ev) { self._openLine(this._group, ev.latlng); });
        line.bindTooltip(function (layer) { return self.ctx.tip(sc.eventsOf(layer._group)); },
                         { sticky: true });
      }
      line.setStyle({ color: st.color, weight: st.weight, opacity: st.opacity,
                      dashArray: st.dash || null });
      if (line._extra.length) line._extra[0].setStyle({ color: st.color, opacity: st.opacity });
      if (!line._shown) {
        group.addLayer(line);
        line._extra.forEach(function (l) { group.addLayer(l); });
        line._shown = true;
      }
    }
  };

  // A recorded path's coverage gaps (dashed) and the great circle kept beside it (faint),
  // [gaps, reference]; the gaps of a flight under way grow with it (setLatLngs).
  GEO.SvgLayers.prototype._recordedExtras = function (shape, pane, upTo) {
    var mk = this.mark, ks = this.m.meta.style.kinds.flight;
    var gaps = L.polyline(upTo ? [] : GEO.track.pieces(shape).gaps, {
      renderer: this._renderer(pane), pane: pane, color: ks.color, weight: ks.weight,
      dashArray: mk.recorded_gap_dash, className: "geo-recorded-gap", interactive: false });
    var reference = L.polyline(latlngs(shape.reference), {
      renderer: this._renderer(pane), pane: pane, color: mk.route_color, weight: mk.route_weight,
      opacity: mk.reference_opacity, dashArray: mk.route_dash,
      className: "geo-flight-route geo-great-circle", interactive: false });
    return [gaps, reference];
  };

  // A recorded track's runs coloured by altitude (27-altitude.js), over its solid line.
  GEO.SvgLayers.prototype._altitudeRuns = function (shape, k, tail, pane) {
    var ks = this.m.meta.style.kinds.flight, self = this;
    return GEO.altitudeRuns(this.m, shape.recorded, shape, k, tail).map(function (run) {
      return L.polyline(run.points, {
        renderer: self._renderer(pane), pane: pane, color: run.color, weight: ks.weight,
        opacity: self.mark.altitude_run_opacity, className: "geo-alt-run", interactive: false });
    });
  };

  GEO.SvgLayers.prototype._openLine = function (g, latlng) {
    var sc = this.scene, events = sc.eventsOf(g), G = sc.groups, S = this.m.strings;
    if (events.length === 1) { this.ctx.openEvent(events[0], latlng); return; }
    var label = function (k) { return S[this.m.places.label[k]]; }.bind(this);
    var what = G.kind[g] === sc.isFlightKind ? " flights " : " contacts ";
    this.ctx.openList(events, events.length + what + label(G.from[g]) + " → " + label(G.to[g]),
                      latlng);
  };

  GEO.SvgLayers.prototype._flights = function () {
    var sc = this.scene, m = this.m, mk = this.mark, self = this, t = sc.t;
    var air = {}, many = sc.airborne.length > m.meta.aircraftLimit;
    sc.airborne.forEach(function (f) { air[f] = true; });
    Object.keys(this.flightLayers).forEach(function (f) {
      if (!air[f]) {
        var x = self.flightLayers[f];
        [x.route, x.progress, x.plane, x.alt].concat(x.ends, x.extra, x.trail).forEach(function (l) {
          self.groups.flights.removeLayer(l);
        });
        delete self.flightLayers[f];
      }
    });
    sc.airborne.forEach(function (f) {
      var i = m.flights.event[f], x = self.flightLayers[f], shape = self.shapes.flight(f);
      var ks = m.meta.style.kinds.flight, ss = m.meta.style.statuses[m.meta.statuses[m.status[i]]];
      var recorded = shape.recorded !== undefined;
      if (!x) {
        x = self.flightLayers[f] = {
          // the whole route ahead: the great circle, or the recorded path (solid, faint)
          route: L.polyline(recorded ? GEO.track.pieces(shape).solid : latlngs(shape.points), {
            renderer: self._renderer("geoFlights"), pane: "geoFlights",
            color: recorded ? mk.recorded_color : mk.route_color,
            weight: mk.route_weight, opacity: mk.route_opacity,
            dashArray: recorded ? null : mk.route_dash,
            className: "geo-flight-route" + (recorded ? " geo-recorded-route" : ""),
            interactive: false }),
          extra: recorded ? self._recordedExtras(shape, "geoFlights", true) : [],
          alt: L.layerGroup(),  // a recorded track flown so far, coloured by altitude
          trail: GEO.trailPieces(mk).map(function (piece) {
            return L.polyline([], {
              renderer: self._renderer("geoFlights"), pane: "geoFlights", color: ks.color,
              weight: piece.weight, opacity: piece.opacity, lineCap: "butt",
              className: "geo-flight-trail", interactive: false });
          }),
          progress: L.polyline([], {
            renderer: self._renderer("geoFlights"), pane: "geoFlights", color: ks.color, weight: ks.weight,
            opacity: ss.opacity, dashArray: ss.dash || null,
            className: "geo-ev geo-flight-track geo-kind-flight geo-status-" +
              m.meta.statuses[m.status[i]] }),
          plane: L.marker([shape.geo.lat1, shape.geo.lon1], {
            icon: L.divIcon({ className: "geo-aircraft", iconSize: [mk.aircraft_size_px, mk.aircraft_size_px],
                              html: GEO.planeIcon(mk.aircraft_color, mk.aircraft_size_px, mk.aircraft_outline) }),
            keyboard: false, pane: "geoAircraft" }),
          ends: [[shape.geo.lat1, shape.geo.lon1], [shape.geo.lat2, shape.geo.lon2]].map(function (ll) {
            return L.circleMarker(ll, { renderer: self._renderer("geoFlights"), pane: "geoFlights",
              radius: mk.airport_radius, color: mk.route_color, weight: mk.weight,
              fillColor: mk.airport_fill, fillOpacity: 1, className: "geo-airport",
              interactive: false });
          })
        };
        x.progress.on("click", function (ev) { self.ctx.openEvent(i, ev.latlng); });
        x.plane.on("click", function () { self.ctx.openEvent(i, x.plane.getLatLng()); });
        x.progress.bindTooltip(function () { return self.ctx.tip([i]); }, { sticky: true });
        [x.route].concat(x.trail, [x.progress, x.alt, x.plane], x.ends, x.extra).forEach(function (l) {
          if (many && l === x.plane) return;
          self.groups.flights.addLayer(l);
        });
      }
      var pos = self.shapes.aircraft(f, t);
      if (recorded) {
        var flown = GEO.track.pieces(shape, pos.k, [pos.lat, pos.lon]);
        x.progress.setLatLngs(flown.solid);
        x.extra[0].setLatLngs(flown.gaps);
        x.alt.clearLayers();
        self._altitudeRuns(shape, pos.k, [pos.lat, pos.lon], "geoFlights").forEach(function (l) {
          x.alt.addLayer(l);
        });
      } else {
        x.progress.setLatLngs(latlngs(shape.points, pos.k, [pos.lat, pos.lon]));
      }
      var trail = GEO.trailAt(self.shapes, f, t, mk);
      x.trail.forEach(function (l, s) { l.setLatLngs(trail[s]); });
      x.plane.setLatLng([pos.lat, pos.lon]);
      x.heading = pos.azi;
      var node = x.plane.getElement && x.plane.getElement();
      var svg = node && node.querySelector("svg");
      if (svg) svg.style.transform = "rotate(" + pos.azi.toFixed(1) + "deg)";
    });
  };

  GEO.SvgLayers.prototype.airborne = function () {
    var self = this;
    return Object.keys(this.flightLayers).map(function (f) {
      var x = self.flightLayers[f];
      return { flight: Number(f), event: self.m.flights.event[f], latlng: x.plane.getLatLng(),
               heading: x.heading };
    });
  };

  GEO.SvgLayers.prototype._markers = function () {
    var sc = this.scene, m = this.m, map = this.map, mk = this.mark, self = this;
    var P_ = m.places, px = new Float64Array(P_.n), py = new Float64Array(P_.n);
    var zoom = map.getZoom();
    for (var k = 0; k < P_.n; k++) {
      if (!sc.placeCount[k]) continue;
      var p = map.project([P_.lat[k], P_.lon[k]], zoom);
      px[k] = p.x; py[k] = p.y;
    }
    this.markers.clearLayers();
    this.clusters = GEO.cluster(px, py, sc.placeCount, m.meta.rule.clusterCellPx);
    this.clusters.forEach(function (c) {
      var ll = [P_.lat[c.top], P_.lon[c.top]];
      if (c.n === 1) {
        var i = sc.eventsAt(c.places)[0], st = sc.markerStyle(i);
        var cls = "geo-ev geo-marker geo-kind-" + m.meta.kinds[m.kind[i]] + " geo-status-" +
          m.meta.statuses[m.status[i]] + (st.precedent ? " geo-precedent" : "") +
          (st.open ? " geo-underway" : "");
        var marker = L.circleMarker(ll, {
          renderer: self._renderer("geoMarkers"), pane: "geoMarkers", radius: st.radius, weight: st.weight,
          color: st.color, opacity: st.opacity, fillColor: st.fillColor,
          fillOpacity: st.fillOpacity, dashArray: st.dash || null, className: cls });
        marker.on("click", function () { self.ctx.openEvent(i, L.latLng(ll)); });
        marker.bindTooltip(function () { return self.ctx.tip([i]); });
        self.markers.addLayer(marker);
        return;
      }
      var events = sc.eventsAt(c.places);
      var precedent = events.some(function (e) { return m.flags[e] & 1; });
      var size = Math.round(2 * GEO.clusterRadius(mk, c.n));
      var icon = L.divIcon({
        className: "geo-cluster" + (precedent ? " geo-cluster-precedent" : ""),
        iconSize: [size, size], html: "<span>" + c.n + "</span>" });
      var cm = L.marker(ll, { icon: icon, pane: "geoMarkers", keyboard: true,
                               title: c.n + " events" });
      cm.on("click", function () { self.ctx.openCluster(c, L.latLng(ll)); });
      self.markers.addLayer(cm);
    });
  };

  GEO.SvgLayers.prototype.redrawAll = function () {  // after a zoom: new clusters and detail
    var self = this, zoom = this.map.getZoom();
    Object.keys(this.lines).forEach(function (g) {
      self.lines[g].setLatLngs(latlngs(self.shapes.linePoints(Number(g), zoom)));
    });
    this.render();
  };

  // Container pixel of the marker or cluster that shows event i (for tests and the app).
  GEO.SvgLayers.prototype.pointOf = function (i) {
    var k = this.m.place[i];
    var c = (this.clusters || []).filter(function (x) { return x.places.indexOf(k) >= 0; })[0];
    var P_ = this.m.places, at = c ? c.top : k;
    return this.map.latLngToContainerPoint([P_.lat[at], P_.lon[at]]);
  };
})();
