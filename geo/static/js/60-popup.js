/* Popups: an event's card, and the list of the events under a cluster or an arc. Every word
 * comes from the data (made in Python) and goes in with textContent; a link is made only for
 * a source the data gives an http(s) URL for (geo.model.is_http_url decided).
 */
(function () {
  "use strict";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  GEO.el = el;

  var PHASE_WORDS = ["", "not yet, at the clock's time", "possibly under way at the clock's time",
                     "done, at the clock's time"];
  var IN_THE_AIR = "in the air at the clock's time";  // a flight known to the minute

  // event i's card, the important lines first: what, its kind, status and state at the
  // clock's time, when (local, then UTC), a flight's facts and its claim against the record,
  // where and who, the sources; actions: {phase(i), zoomTo(i), follow(i), following(i)}
  GEO.eventCard = function (m, i, actions) {
    var S = m.strings, meta = m.meta;
    var root = el("div", "geo-popup");
    root.setAttribute("data-event", m.id[i]);
    root.appendChild(el("div", "geo-popup-title", m.title[i] || m.id[i]));
    var kind = meta.kinds[m.kind[i]], status = meta.statuses[m.status[i]];
    var phase = actions && actions.phase ? actions.phase(i) : 0;
    var head = el("div", "geo-popup-meta");
    head.appendChild(el("span", "geo-kind", kind));
    head.appendChild(document.createTextNode(" · "));
    head.appendChild(el("span", "geo-status-" + status, status));
    if (phase) {
      head.appendChild(document.createTextNode(" · "));
      var airborne = phase === GEO.PHASE.UNDERWAY && m.flightOf[i] >= 0 &&
        m.precision[i] === meta.precisions.indexOf("minute");
      head.appendChild(el("span", "geo-phase geo-phase-" + phase, airborne ? IN_THE_AIR : PHASE_WORDS[phase]));
    }
    root.appendChild(head);
    var dl = el("dl");
    function row(label, value) {
      if (value === undefined || value === null || value === "" ||
          (Array.isArray(value) && value.length === 0)) return null;
      dl.appendChild(el("dt", null, label));
      var dd = el("dd", null, Array.isArray(value) ? value.join("; ") : value);
      dl.appendChild(dd);
      return dd;
    }
    var when = row("When", S[m.local[i]] || S[m.when[i]]);  // local, the UTC under it
    if (when && S[m.utc[i]]) when.appendChild(el("div", "geo-utc", S[m.utc[i]]));
    var f = m.flightOf[i];
    if (f >= 0) {
      dl.appendChild(el("dt", null, "Flight"));
      var fd = el("dd");
      for (var q = 0; q < 4; q++) {
        var line = S[m.flights.facts[4 * f + q]];
        if (line) fd.appendChild(el("div", null, line));
      }
      if (actions && actions.zoomTo) {
        var bar = el("div", "geo-popup-actions");
        var zoom = el("button", "geo-zoom-flight", "Zoom to flight");
        zoom.type = "button";
        zoom.addEventListener("click", function () { actions.zoomTo(i); });
        var follow = el("button", "geo-follow", actions.following(i) ? "Stop following" : "Follow the aircraft");
        follow.type = "button";
        follow.addEventListener("click", function () {
          actions.follow(i);
          follow.textContent = actions.following(i) ? "Stop following" : "Follow the aircraft";
        });
        bar.appendChild(zoom); bar.appendChild(follow);
        fd.appendChild(bar);
      }
      dl.appendChild(fd);
      // the drawn path: a recorded track's source and what it says against the report, or
      // that the path is computed; a recorded track's altitude and speed profile
      dl.appendChild(el("dt", null, "Track"));
      var td = el("dd", "geo-track");
      m.flights.track.of(f).forEach(function (k, n) {
        td.appendChild(el("div", n ? "geo-track-finding" : "geo-track-source", S[k]));
      });
      if (m.recOf[f] >= 0) td.appendChild(GEO.profile(m, m.recOf[f], actions && actions.time ? actions.time() : NaN));
      dl.appendChild(td);
      // the flight's other candidates in the archive (--match-from), drawn faintly on request
      var alts = m.alternatives.of[f];
      if (alts.length) {
        dl.appendChild(el("dt", null, "Alternatives"));
        var ad = el("dd", "geo-alternatives"), ol = el("ol", "geo-alternatives-list");
        alts.forEach(function (a) { ol.appendChild(el("li", null, S[m.alternatives.text[a]])); });
        ad.appendChild(ol);
        if (actions && actions.alternatives) {
          var words = function () {
            return actions.showingAlternatives(i) ? "Hide the alternatives" : "Draw the alternatives";
          };
          var toggle = el("button", "geo-alternatives-toggle", words());
          toggle.type = "button";
          toggle.addEventListener("click", function () {
            actions.alternatives(i);
            toggle.textContent = words();
          });
          ad.appendChild(toggle);
        }
        dl.appendChild(ad);
      }
    }
    row("Place", S[m.places.label[m.place[i]]]);
    row("From", m.origin.of(i).map(function (k) { return S[m.places.label[k]]; }));
    row("Who", m.who.of(i).map(function (k) { return S[k]; }));
    dl.appendChild(el("dt", null, "Sources"));
    var sd = el("dd"), ul = el("ul", "geo-sources");
    m.src.of(i).forEach(function (k) {
      var li = el("li"), url = m.links[String(k)];
      if (url) {
        var a = el("a", null, S[k]);
        a.setAttribute("href", url);
        a.setAttribute("target", "_blank");
        a.setAttribute("rel", "noopener noreferrer");
        li.appendChild(a);
      } else {
        li.textContent = S[k];
      }
      ul.appendChild(li);
    });
    sd.appendChild(ul);
    dl.appendChild(sd);
    row("Notes", S[m.notes[i]]);
    row("Id", m.id[i]);
    root.appendChild(dl);
    return root;
  };

  var SVG = "http://www.w3.org/2000/svg", PW = 280, PH = 72;

  function svgEl(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }

  // Recorded track r's altitude (solid) and ground speed (dashed) against time, each scaled
  // to its own maximum, with the clock's time marked (GEO.profileAt moves the mark). Unknown
  // values (-1) break the lines; the caption (words from the data) says what the lines are.
  GEO.profile = function (m, r, t) {
    var R = m.recorded, a = R.profile[r], b = R.profile[r + 1], mk = m.meta.style.mark;
    var t0 = R.pt[a], t1 = R.pt[b - 1], span = Math.max(1, t1 - t0);
    var box = el("figure", "geo-profile");
    box.setAttribute("data-t0", String(t0));
    box.setAttribute("data-t1", String(t1));
    var svg = svgEl("svg", { viewBox: "0 0 " + PW + " " + PH, width: PW, height: PH,
                             role: "img", "aria-label": m.strings[R.caption[r]] });
    function line(values, color, dashed) {
      var top = 0, d = "", pen = false;
      for (var q = a; q < b; q++) top = Math.max(top, values[q]);
      top = top > 0 ? top : 1;
      for (q = a; q < b; q++) {
        if (values[q] < 0) { pen = false; continue; }
        var x = (R.pt[q] - t0) / span * PW, y = PH - 2 - values[q] / top * (PH - 6);
        d += (pen ? "L" : "M") + x.toFixed(1) + " " + y.toFixed(1);
        pen = true;
      }
      var attrs = { d: d || "M0 0", fill: "none", stroke: color, "stroke-width": 1.5 };
      if (dashed) attrs["stroke-dasharray"] = "3 2";
      svg.appendChild(svgEl("path", attrs));
    }
    line(R.alt, mk.profile_alt_color, false);
    line(R.gs, mk.profile_gs_color, true);
    var now = svgEl("line", { x1: 0, x2: 0, y1: 0, y2: PH, stroke: mk.profile_now_color,
                              "stroke-width": 1, "class": "geo-profile-now" });
    svg.appendChild(now);
    box.appendChild(svg);
    box.appendChild(el("figcaption", null, m.strings[R.caption[r]]));
    GEO.profileAt(box, t);
    return box;
  };

  // Move a profile's time mark to t (hidden outside the record's times).
  GEO.profileAt = function (box, t) {
    var t0 = Number(box.getAttribute("data-t0")), t1 = Number(box.getAttribute("data-t1"));
    var now = box.querySelector(".geo-profile-now"), inside = t >= t0 && t <= t1;
    var x = inside ? ((t - t0) / Math.max(1, t1 - t0) * PW).toFixed(1) : "0";
    now.setAttribute("x1", x); now.setAttribute("x2", x);
    now.setAttribute("visibility", inside ? "visible" : "hidden");
    box.setAttribute("data-now", inside ? x : "");
  };

  // The events under a cluster or an arc, each a button that opens its card.
  GEO.eventList = function (m, members, heading, onPick) {
    var S = m.strings, meta = m.meta;
    var root = el("div", "geo-popup geo-list");
    root.appendChild(el("div", "geo-popup-title", heading));
    var ul = el("ul", "geo-list-items");
    members.forEach(function (i) {
      var li = el("li");
      var b = el("button", "geo-list-item");
      b.type = "button";
      b.setAttribute("data-event", m.id[i]);
      b.appendChild(el("span", "geo-list-title", m.title[i] || m.id[i]));
      b.appendChild(el("span", "geo-list-meta",
        meta.kinds[m.kind[i]] + " · " + meta.statuses[m.status[i]] + " · " + S[m.when[i]]));
      b.addEventListener("click", function (ev) { ev.stopPropagation(); onPick(i); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    root.appendChild(ul);
    return root;
  };
})();
