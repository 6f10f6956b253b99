/* The legend, built from the style tables in the data (geo/style.py): what each colour, dash,
 * ring and fill means. Collapsible, and closed on small maps.
 */
(function () {
  "use strict";

  var el = GEO.el, NS = "http://www.w3.org/2000/svg";

  function svg(width, height) {
    var s = document.createElementNS(NS, "svg");
    s.setAttribute("width", String(width)); s.setAttribute("height", String(height));
    s.setAttribute("aria-hidden", "true");
    return s;
  }
  function shape(tag, attrs) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }

  GEO.Legend = function (map, m, opts) {
    var st = m.meta.style, mk = st.mark;
    var present = {};
    for (var i = 0; i < m.n; i++) present[m.kind[i]] = true;
    var Control = L.Control.extend({
      options: { position: opts.position || "bottomright" },
      onAdd: function () {
        var box = el("div", "geo-legend leaflet-bar");
        var details = el("details");
        var size = map.getSize();
        details.open = opts.collapsed === false && size.x >= 1400 && size.y >= 900;  // on demand
        details.appendChild(el("summary", null, "Legend"));
        function row(icon, text) {
          var r = el("div", "geo-legend-row");
          r.appendChild(icon); r.appendChild(el("span", null, text));
          details.appendChild(r);
        }
        function line(color, dash, opacity, weight) {
          var s = svg(34, 12);
          var attrs = { x1: 2, y1: 6, x2: 32, y2: 6, stroke: color, "stroke-width": weight,
                        "stroke-opacity": opacity };
          if (dash) attrs["stroke-dasharray"] = dash;
          s.appendChild(shape("line", attrs));
          return s;
        }
        function circle(stroke, fill, fillOpacity, weight, dash, r) {
          var s = svg(34, 26);
          var attrs = { cx: 17, cy: 13, r: r || 7, stroke: stroke, fill: fill,
                        "fill-opacity": fillOpacity, "stroke-width": weight };
          if (dash) attrs["stroke-dasharray"] = dash;
          s.appendChild(shape("circle", attrs));
          return s;
        }
        details.appendChild(el("div", "geo-legend-head", "Kind (colour; arc style)"));
        m.meta.kinds.forEach(function (k, ix) {
          if (!present[ix]) return;
          var ks = st.kinds[k];
          row(line(ks.color, ks.dash, 1, Math.min(4, ks.weight)), ks.label);
        });
        details.appendChild(el("div", "geo-legend-head", "Status"));
        m.meta.statuses.forEach(function (s) {
          var ss = st.statuses[s];
          row(line(mk.legend_ink, ss.dash, ss.opacity, 3), ss.label);
        });
        details.appendChild(el("div", "geo-legend-head", "At the clock's time"));
        row(circle(mk.legend_ink, mk.legend_ink, 0.85, mk.weight, ""), "filled: done");
        row(circle(mk.legend_ink, mk.legend_ink, mk.underway_fill, mk.underway_weight, ""),
            "hollow: possibly under way (the clock is inside its day, month or span)" +
            " — or, around t, still to come");
        details.appendChild(el("div", "geo-legend-head", "Markers and lines"));
        row(circle(mk.precedent_ring, st.kinds.meeting.color, 0.85, mk.precedent_weight, "", 8),
            "black ring: an earlier meeting where a flight lands (precedent)");
        var cl = circle(mk.cluster_color, mk.cluster_fill, 1, mk.cluster_weight, "", 11);
        var txt = shape("text", { x: 17, y: 17, "text-anchor": "middle", "font-size": 11,
                                  "font-weight": 600, fill: mk.cluster_color });
        txt.textContent = "8";
        cl.appendChild(txt);
        row(cl, "several events at one spot: click for the list");
        row(line(mk.route_color, mk.route_dash, mk.route_opacity, mk.route_weight),
            "a flight's route ahead (faint); flown: solid, a fading trail behind the aircraft");
        row(line(mk.legend_ink, "", 0.9, 2), "a line's darkness: how many contacts or flights it stands for");
        if (m.recorded && m.recorded.flight.length) {  // tar1090's altitude colours
          var alt = st.altitude, bar = svg(34, 12), grad = shape("linearGradient",
            { id: "geo-alt-grad", x1: 0, x2: 1, y1: 0, y2: 0 });
          [0, 10, 20, 30, 40].forEach(function (k) {
            grad.appendChild(shape("stop", { offset: (k / 40).toFixed(2),
              "stop-color": alt.colors[Math.min(alt.colors.length - 1, k * 1000 / alt.band_ft)] }));
          });
          bar.appendChild(grad);
          bar.appendChild(shape("rect", { x: 2, y: 3, width: 30, height: 6, fill: "url(#geo-alt-grad)" }));
          row(bar, "recorded track by altitude: 0 ft (orange) → 10,000 (green) → 20,000 (blue) " +
              "→ 40,000 ft (magenta), as tar1090");
        }
        var plane = el("span", "geo-legend-plane");
        plane.innerHTML = GEO.planeIcon(mk.aircraft_color, 18, mk.aircraft_outline);
        row(plane, "aircraft on its WGS84 great-circle track (computed, constant speed)");
        box.appendChild(details);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    this.control = new Control();
    this.control.addTo(map);
  };
})();
