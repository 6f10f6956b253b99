/* Names on the map (geo/labels.py): the places the data names and, at low zooms, country
 * names, placed greedily without overlap (GEO.placeLabels) at each zoom and view; a line
 * whose origin lies outside the view is named where it leaves it. Text nodes only, in a pane
 * of their own above the lines and below the markers; origins and airports with no event
 * marker get a small dot.
 */
(function () {
  "use strict";

  var MARKER_BOX = 8;   // px around each place's point kept clear of names
  var EDGE_MARGIN = 4;  // an edge label stays this far inside the view
  var EDGE_LINES = 400; // more shown lines than this: no edge labels (their cost grows)

  GEO.Labels = function (map, m, scene, layers, group) {
    this.map = map; this.m = m; this.scene = scene; this.layers = layers;
    this.group = group || null;  // the layer control's switch for the names
    var L_ = m.meta.labels || { places: [], countries: [], offsets: [], countryMaxZoom: 0 };
    this.data = L_;
    var pane = map.getPane("geoLabels") || map.createPane("geoLabels");
    pane.style.zIndex = 450;
    pane.style.pointerEvents = "none";
    var mk = m.meta.style.mark;  // the names' colours (geo.style.MARK), for timeline.css
    pane.style.setProperty("--geo-place-label", mk.place_label_color);
    pane.style.setProperty("--geo-country-label", mk.country_label_color);
    pane.style.setProperty("--geo-label-ink", mk.label_ink);
    this.pane = pane;
    this.widths = {};
    this.nodes = {};
    this._key = null;
    var self = this;
    this.dots = L_.places.filter(function (p) { return p[4]; }).map(function (p) {
      var d = GEO.el("div", "geo-label-dot");
      pane.appendChild(d);
      return { node: d, lat: p[1], lon: p[0] };
    });
    map.on("zoomend moveend viewreset resize", function () { self.update(true); });
  };

  GEO.Labels.prototype._width = function (text, font) {
    var key = font + "|" + text;
    if (this.widths[key] === undefined) {
      var c = this._canvas || (this._canvas = document.createElement("canvas"));
      var g = c.getContext("2d");
      g.font = font;
      this.widths[key] = Math.ceil(g.measureText(text).width) + 4;
    }
    return this.widths[key];
  };

  GEO.Labels.prototype._node = function (key, cls, text) {
    var n = this.nodes[key];
    if (!n) {
      n = this.nodes[key] = GEO.el("div", "geo-label " + cls, text);
      this.pane.appendChild(n);
    }
    return n;
  };

  // The radius of the marker or cluster drawn at each place ("lat,lon" -> px), now.
  GEO.Labels.prototype._markerRadii = function () {
    var out = {}, m = this.m, mk = m.meta.style.mark;
    (this.layers.clusters || []).forEach(function (c) {
      var r = c.n > 1 ? GEO.clusterRadius(mk, c.n) + 2 : mk.precedent_radius;
      c.places.forEach(function (k) { out[m.places.lat[k] + "," + m.places.lon[k]] = r; });
    });
    return out;
  };

  // Lines shown now whose origin is outside the view: [text, [[x, y], ...]] where its lines
  // leave it.
  GEO.Labels.prototype._edges = function (size, zoom) {
    var sc = this.scene, G = sc.groups, m = this.m, map = this.map, out = [], seen = {};
    var shown = 0;
    for (var g = 0; g < G.n; g++) if (G.count[g]) shown++;
    if (shown > EDGE_LINES || !this.layers.shapes) return out;
    for (g = 0; g < G.n; g++) {
      if (!G.count[g]) continue;
      var a = G.from[g];
      var pa = map.latLngToContainerPoint([m.places.lat[a], m.places.lon[a]]);
      if (pa.x >= 0 && pa.y >= 0 && pa.x <= size.x && pa.y <= size.y) continue;
      var pts = this.layers.shapes.linePoints(g, zoom), xy = new Array(pts.length);
      var prev = null;
      for (var q = 0; q < pts.length; q += 2) {  // unwrapped: no jump across the antimeridian
        var lon = pts[q + 1];
        if (prev !== null) { while (lon - prev > 180) lon -= 360; while (prev - lon > 180) lon += 360; }
        prev = lon;
        var p = map.latLngToContainerPoint([pts[q], lon]);
        xy[q] = p.x; xy[q + 1] = p.y;
      }
      var at = GEO.exitPoint(xy, size.x, size.y, EDGE_MARGIN);
      if (!at) continue;
      if (seen[a] === undefined) {
        seen[a] = out.length;
        out.push([this.m.strings[m.places.label[a]].replace(/ \([A-Z0-9]{3,4}\)$/, ""), []]);
      }
      out[seen[a]][1].push(at);
    }
    return out;
  };

  // Place the names for the view now (force: the view moved; else only when the lines
  // shown changed).
  GEO.Labels.prototype.update = function (force) {
    var map = this.map, D = this.data, size = map.getSize(), zoom = map.getZoom();
    var off = this.group && !map.hasLayer(this.group);
    var key = this.scene.shown + "|" + off;  // the lines shown change with the events shown
    if (!force && key === this._key) return;
    this._key = key;
    this.pane.style.display = off ? "none" : "";
    if (off) return;
    var self = this, items = [], options = [], taken = [];
    // the controls (zoom, title, timeline, chapters, legend) and the markers stay clear
    var box = map.getContainer().getBoundingClientRect();
    map.getContainer().querySelectorAll(".leaflet-control").forEach(function (c) {
      var r = c.getBoundingClientRect();
      if (r.width && r.height) {
        taken.push([r.left - box.left, r.top - box.top, r.right - box.left, r.bottom - box.top]);
      }
    });
    var radius = this._markerRadii();
    var placeFont = "600 12px system-ui, sans-serif", countryFont = "italic 11px system-ui, sans-serif";
    D.places.forEach(function (p, k) {
      var c = map.latLngToContainerPoint([p[1], p[0]]);
      if (c.x < -50 || c.y < -50 || c.x > size.x + 50 || c.y > size.y + 50) return;
      var r = radius[p[1] + "," + p[0]] || MARKER_BOX;
      taken.push([c.x - r, c.y - r, c.x + r, c.y + r]);
      var w = self._width(p[2], placeFont);
      items.push({ key: "p" + k, cls: "geo-label-place", text: p[2] });
      options.push(GEO.labelBoxes(c.x, c.y, w, 16, D.offsets, r).filter(function (b) {
        return b[0] >= 0 && b[1] >= 0 && b[2] <= size.x && b[3] <= size.y;
      }));
    });
    this._edges(size, zoom).forEach(function (e) {
      var w = self._width(e[0], placeFont), h = 16, boxes = [];
      // at each exit, then slid along the edge it is on (clear of a control there)
      [0, 24, -24, 48, -48, 96, -96, 160, -160].forEach(function (shift) {
        e[1].forEach(function (at) {
          var side = Math.min(at[0], size.x - at[0]) < Math.min(at[1], size.y - at[1]);
          var x = at[0] + (side ? 0 : shift), y = at[1] + (side ? shift : 0);
          var x0 = GEO.clamp(x - w / 2, EDGE_MARGIN, size.x - w - EDGE_MARGIN);
          var y0 = GEO.clamp(y - h / 2, EDGE_MARGIN, size.y - h - EDGE_MARGIN);
          boxes.push([x0, y0, x0 + w, y0 + h]);
        });
      });
      items.push({ key: "e" + e[0], cls: "geo-label-place geo-label-edge", text: e[0] });
      options.push(boxes);
    });
    if (zoom <= D.countryMaxZoom) {
      D.countries.forEach(function (p, k) {
        var c = map.latLngToContainerPoint([p[1], p[0]]);
        if (c.x < 0 || c.y < 0 || c.x > size.x || c.y > size.y) return;
        var w = self._width(p[2], countryFont), h = 14;
        items.push({ key: "c" + k, cls: "geo-label-country", text: p[2] });
        options.push([[c.x - w / 2, c.y - h / 2, c.x + w / 2, c.y + h / 2]]);
      });
    }
    var placed = GEO.placeLabels(options, taken), keep = {};
    placed.forEach(function (kj) {
      var it = items[kj[0]], b = options[kj[0]][kj[1]];
      var n = self._node(it.key, it.cls, it.text);
      n.style.display = "";
      L.DomUtil.setPosition(n, map.containerPointToLayerPoint([b[0], b[1]]));
      keep[it.key] = true;
    });
    Object.keys(this.nodes).forEach(function (k) {
      if (!keep[k]) self.nodes[k].style.display = "none";
    });
    this.dots.forEach(function (d) {
      L.DomUtil.setPosition(d.node, map.latLngToLayerPoint([d.lat, d.lon]));
    });
  };
})();
