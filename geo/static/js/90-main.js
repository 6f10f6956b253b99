/* Wiring: decode the data, build the scene, the clock, the layers (SVG or canvas), the
 * controls, the legend and the chapters; open on a view (the link's fragment, else the
 * document's first view); keep the fragment up to date. Exposes window.geoTimeline for the
 * app and the tests.
 */
(function () {
  "use strict";

  var P = GEO.PHASE, PHASE_NAMES = ["hidden", "coming", "underway", "done"];

  function boundsOf(m, events) {  // LatLngBounds of the places events name (and origins)
    var b = L.latLngBounds([]), P_ = m.places;
    events.forEach(function (i) {
      b.extend([P_.lat[m.place[i]], P_.lon[m.place[i]]]);
      m.origin.of(i).forEach(function (k) { b.extend([P_.lat[k], P_.lon[k]]); });
    });
    return b;
  }

  GEO.start = function (map, groups, m, opts) {
    var meta = m.meta, n = m.n, instant = meta.rule.instantMs;
    // the data's span: the first start to the last end (no events: the span the document
    // was given, so an empty selection leaves the clock where the reader had it)
    var lastEnd = -Infinity;
    for (var i = 0; i < n; i++) if (m.t1[i] > lastEnd) lastEnd = m.t1[i];
    var span = n ? [m.t0[0], Math.max(m.t0[n - 1], lastEnd - instant)]
      : (opts.emptySpan || [0, GEO.DAY]);
    if (!(span[1] > span[0])) span = [span[0], span[0] + GEO.DAY];
    var stopList = Array.prototype.slice.call(m.t0);
    for (var f = 0; f < m.flights.event.length; f++) stopList.push(m.t1[m.flights.event[f]] - instant);
    var clock = new GEO.Clock({
      stops: GEO.uniqueSorted(stopList), span: span, tz: meta.tz || "UTC",
      now: function () { return performance.now(); },
      raf: function (fn) { return requestAnimationFrame(fn); },
      cancel: function (id) { cancelAnimationFrame(id); }
    });
    var scene = new GEO.Scene(m);
    var canvas = n > meta.svgLimit;
    var popup = null, following = -1;
    var narrow = map.getSize().x < 600;
    // on a phone the attribution goes under the timeline, not beside it
    if (narrow && map.attributionControl) map.attributionControl.setPosition("bottomleft");

    function phaseOf(i) { return scene.states[i]; }
    var actions = {
      phase: phaseOf,
      zoomTo: function (i) {
        var f = m.flightOf[i], shape = layers.shapes.flight(f);
        map.fitBounds(L.latLngBounds(GEO.latlngs(shape.points)), { padding: [40, 40], animate: false });
        if (clock.t < m.t0[i] || clock.t > m.t1[i]) clock.setTime(m.t0[i]);
      },
      time: function () { return clock.t; },
      follow: function (i) { following = following === i ? -1 : i; render(); },
      following: function (i) { return following === i; },
      alternatives: function (i) { toggleAlternatives(m.flightOf[i]); },
      showingAlternatives: function (i) { return !!altShown[m.flightOf[i]]; }
    };
    // a flight's alternatives (other candidates in an archive), drawn faintly on request
    var altShown = {}, mk = meta.style.mark;
    function toggleAlternatives(f) {
      if (altShown[f]) { map.removeLayer(altShown[f]); delete altShown[f]; return; }
      var A = m.alternatives, group = L.layerGroup();
      A.of[f].forEach(function (a) {
        var pts = [];
        for (var q = A.points[a]; q < A.points[a + 1]; q++) pts.push([A.lat[q], A.lon[q]]);
        if (pts.length > 1) {
          group.addLayer(L.polyline(pts, { color: mk.recorded_color, weight: mk.route_weight,
            opacity: mk.reference_opacity, className: "geo-alternative", interactive: false }));
        }
      });
      altShown[f] = group.addTo(map);
    }
    // Popups open clear of the controls: below the top corners' controls, above the timeline,
    // and no taller than the room between them (they scroll inside).
    function popupRoom() {
      var box = map.getContainer().getBoundingClientRect(), top = 10, bottom = 10;
      map.getContainer().querySelectorAll(".leaflet-top .leaflet-control").forEach(function (c) {
        var r = c.getBoundingClientRect();
        if (r.height) top = Math.max(top, r.bottom - box.top + 10);
      });
      var tl = timeline.box.getBoundingClientRect();
      bottom = Math.max(bottom, box.bottom - tl.top + 10);
      var height = Math.max(120, box.height - top - bottom - 40);
      // as wide as the map allows (a phone's card stays on screen, its close button too)
      var width = Math.max(160, Math.min(360, box.width - 60));
      return { autoPanPaddingTopLeft: L.point(10, top), autoPanPaddingBottomRight: L.point(10, bottom),
               maxHeight: height, maxWidth: width, minWidth: Math.min(220, width) };
    }
    function openPopup(content, latlng) {
      popup = L.popup(L.extend({ className: "geo-popup-box" }, popupRoom()))
        .setLatLng(latlng).setContent(content).openOn(map);
      return popup;
    }
    var ctx = {
      openEvent: function (i, latlng, quiet) {
        openPopup(GEO.eventCard(m, i, actions), latlng);
        if (!quiet) GEO.embed.tell("opened", { id: m.id[i] });  // not for the app's own focus
      },
      openList: function (events, heading, latlng) {
        var list = GEO.eventList(m, events, heading, function (i) {
          var card = GEO.eventCard(m, i, actions);
          GEO.embed.tell("opened", { id: m.id[i] });  // the app selects its table row
          var back = GEO.el("button", "geo-back", "‹ " + heading);
          back.type = "button";
          back.addEventListener("click", function (ev) { ev.stopPropagation(); popup.setContent(list); });
          card.insertBefore(back, card.firstChild);
          popup.setContent(card);
        });
        openPopup(list, latlng);
      },
      openCluster: function (c, latlng) {
        var events = scene.eventsAt(c.places);
        var where = m.strings[m.places.label[c.top]];
        var heading = events.length + " events " + (c.places.length > 1 ? "at and near " : "at ") + where;
        ctx.openList(events, heading, latlng);
      },
      tip: function (events) {
        var span = GEO.el("span");
        span.textContent = events.length === 1 ? (m.title[events[0]] || m.id[events[0]])
          : events.length + " events";
        return span;
      }
    };
    var layers = canvas ? new GEO.CanvasLayers(map, scene, groups, ctx)
      : new GEO.SvgLayers(map, scene, groups, ctx);
    var labels = new GEO.Labels(map, m, scene, layers, groups.names);  // names on the map
    var timeline = new GEO.Timeline(map, m, clock, scene, { copyLink: copyLink });
    new GEO.Legend(map, m, { position: narrow ? "topright" : "bottomright", collapsed: opts.legendCollapsed });
    if (meta.title) {
      var Title = L.Control.extend({
        options: { position: "topleft" },
        onAdd: function () { return GEO.el("div", "geo-title leaflet-bar", meta.title); }
      });
      new Title().addTo(map);
    }
    var views = meta.views || [];
    var chapters = views.length ? new GEO.Chapters(map, views, function (k) { showView(k); }) : null;
    GEO.keys(map.getContainer(), clock, null);

    function ms(seconds) { return seconds === null || seconds === undefined ? null : seconds * 1000; }
    function viewBounds(lo, hi) {  // places of the events in [lo, hi)
      var events = [];
      for (var i = 0; i < n; i++) if (m.t0[i] < hi && m.t1[i] > lo) events.push(i);
      return boundsOf(m, events.length ? events : Array.from({ length: n }, function (_, k) { return k; }));
    }
    function showView(k, keepMap) {
      var v = views[k];
      if (!v) return;
      var lo = ms(v.start) === null ? span[0] : ms(v.start), hi = ms(v.end) === null ? span[1] : ms(v.end);
      var t = ms(v.time) === null ? hi : ms(v.time);
      clock.pause();
      clock.set({ lo: lo, hi: hi, t: t, mode: v.mode, windowMs: ms(v.window) || clock.windowMs,
                  speed: GEO.defaultSpeed(lo, hi) });
      if (!keepMap) {
        var b = v.extent ? L.latLngBounds([v.extent[1], v.extent[0]], [v.extent[3], v.extent[2]])
          : viewBounds(lo, hi);
        if (b.isValid()) map.fitBounds(b, { padding: [10, 10], animate: false });
      }
      current.view = v.id;
      if (chapters) chapters.show(k);
    }

    // ---- the opening view: the link's fragment over the first view -------------------
    var current = { view: null };
    var viewIds = views.map(function (v) { return v.id; });
    // Apply a link's state (GEO.parseFragment) over what is shown now.
    function applyState(s) {
      var positioned = s.zoom !== undefined || s.lat !== undefined;
      if (s.view) showView(viewIds.indexOf(s.view), positioned);
      var changes = {};
      if (s.start !== undefined) changes.lo = s.start;
      if (s.end !== undefined) changes.hi = s.end;
      if (s.mode) changes.mode = s.mode;
      if (s.windowMs) changes.windowMs = s.windowMs;
      if (s.tz) changes.tz = s.tz;
      if (s.t !== undefined) {
        var lo = changes.lo !== undefined ? changes.lo : clock.lo, hi = changes.hi !== undefined ? changes.hi : clock.hi;
        if (s.t < lo || s.t > hi) {  // a moment outside the view's span: the whole span
          changes.lo = Math.min(span[0], s.t); changes.hi = Math.max(span[1], s.t);
        }
        changes.t = s.t;
      }
      clock.set(changes);
      if (positioned) {
        var centre = s.lat !== undefined ? [s.lat, s.lon] : map.getCenter();
        map.setView(centre, s.zoom !== undefined ? s.zoom : map.getZoom(), { animate: false });
      }
    }
    var parsed = GEO.parseFragment(location.hash, { views: viewIds });
    // the link's view, else the first view that meets the data (a selection may miss them all)
    var first = parsed.state.view ? viewIds.indexOf(parsed.state.view)
      : views.findIndex(function (v) {
        return (v.start === null || ms(v.start) <= span[1]) && (v.end === null || ms(v.end) >= span[0]);
      });
    var linked = parsed.state.zoom !== undefined || parsed.state.lat !== undefined;
    if (views.length && first >= 0) {
      showView(first, linked);
    } else {
      if (opts.fit) map.fitBounds(opts.fit, { animate: false });
      clock.set({ t: span[1] });
    }
    var viewAtStart = parsed.state.view;
    delete parsed.state.view;  // shown already
    applyState(parsed.state);
    if (viewAtStart) current.view = viewAtStart;
    var notes = parsed.notes;
    if (notes.length) GEO.note(map, notes);
    // a map made from files with skipped rows says so (geo.layers.left_out_lines)
    var leftOut = meta.leftOut || [];
    if (leftOut.length) GEO.note(map, leftOut.slice(1), leftOut[0], "geo-left-out");

    // ---- drawing -----------------------------------------------------------------------
    var frame = null;
    function hiddenLayers() {
      return { arcs: !map.hasLayer(groups.arcs), events: !map.hasLayer(groups.events),
               flights: !map.hasLayer(groups.flights) };
    }
    function render() {
      frame = null;
      var hidden = hiddenLayers();
      scene.update(clock.t, clock.mode, clock.windowMs, hidden);
      timeline.hidden = hidden;
      layers.render();
      labels.update();
      timeline.update();
      if (popup && popup.isOpen()) {  // an open flight's profile marks the clock's time
        var el = popup.getElement(), box = el && el.querySelector(".geo-profile");
        if (box) GEO.profileAt(box, clock.t);
      }
      if (following >= 0) {
        var air = layers.airborne().filter(function (a) { return a.event === following; })[0];
        if (air) map.panTo(air.latlng, { animate: false });
      }
      scheduleFragment();
    }
    function schedule() { if (!frame) frame = requestAnimationFrame(render); }
    // at once, not on the next frame: a step of the slider is drawn before the next one
    // The chapter panel follows the clock: a moment outside the chapter shown names the
    // chapter it lies in (the first whose span holds it), or none; the map is not moved.
    function followChapter() {
      if (!chapters) return;
      var inside = function (v) {
        return (v.start === null || ms(v.start) <= clock.t) && (v.end === null || clock.t < ms(v.end));
      };
      var k = viewIds.indexOf(current.view);
      if (k >= 0 && inside(views[k])) return;
      k = views.findIndex(inside);
      current.view = k >= 0 ? views[k].id : null;
      chapters.show(k);
    }
    clock.on("change", function (what) {
      followChapter();
      render();
      if (what.tz) GEO.embed.tell("zone", { tz: clock.tz });
    });
    map.on("zoomend", function () { layers.redrawAll(); schedule(); });
    map.on("moveend", scheduleFragment);
    map.on("overlayadd overlayremove", schedule);

    // ---- the fragment ------------------------------------------------------------------
    var fragmentTimer = null;
    function fragment() {
      var c = map.getCenter();
      var state = { t: clock.t, zoom: map.getZoom(), lat: c.lat, lon: c.lng, mode: clock.mode,
                    windowMs: clock.windowMs };
      if (clock.tz !== "UTC") state.tz = clock.tz;
      if (current.view) state.view = current.view;
      if (clock.lo !== span[0] || clock.hi !== span[1]) { state.start = clock.lo; state.end = clock.hi; }
      return GEO.formatFragment(state);
    }
    function scheduleFragment() {
      if (fragmentTimer) clearTimeout(fragmentTimer);
      fragmentTimer = setTimeout(function () {
        fragmentTimer = null;
        try { history.replaceState(null, "", "#" + fragment()); } catch (_) { /* a sandboxed frame */ }
        GEO.embed.tell("state", { fragment: fragment() });
      }, 250);
    }
    function copyLink(btn) {
      // inside the app, the app's URL (its filters) with the map's state; else this file's
      var url = (GEO.embed.base || location.href.split("#")[0]) + "#" + fragment();
      var done = function () { btn.textContent = "✓"; setTimeout(function () { btn.textContent = "Link"; }, 1500); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(done, function () { window.prompt("Copy this link:", url); });
      } else {
        window.prompt("Copy this link:", url);
      }
      api.lastLink = url;
    }

    render();

    function index(id) { return m.id.indexOf(id); }
    var api = {
      clock: clock, map: map, model: m, scene: scene, layers: layers, views: views,
      notes: notes, canvas: canvas, labels: labels,
      time: function () { return clock.t; },
      setTime: function (t) { clock.setTime(t); },
      label: function () { return timeline.label.textContent; },
      next: function () { return clock.jump(1); },
      prev: function () { return clock.jump(-1); },
      play: function () { clock.play(); },
      pause: function () { clock.pause(); },
      setSpeed: function (v) { clock.set({ speed: v }); },
      setMode: function (mode, windowMs) {
        var c = { mode: mode };
        if (windowMs) c.windowMs = windowMs;
        clock.set(c);
      },
      setZone: function (z) { clock.set({ tz: z }); },
      setSpan: function (lo, hi) { clock.set({ lo: lo, hi: hi }); },
      showView: function (id) { showView(views.map(function (v) { return v.id; }).indexOf(id)); },
      shownCount: function () { return scene.shown; },
      stateOf: function (id) { var i = index(id); return i < 0 ? null : PHASE_NAMES[scene.states[i]]; },
      pointAt: function (id) { var i = index(id); return i < 0 ? null : layers.pointOf(i); },
      aircraft: function () { return layers.airborne(); },
      alternativesShown: function () {  // the ids of the flights whose alternatives are drawn
        return Object.keys(altShown).map(function (f) { return m.id[m.flights.event[f]]; });
      },
      openPopup: function (id, quiet) {
        var i = index(id);
        if (i < 0 || scene.states[i] === P.HIDDEN) return false;
        var f = m.flightOf[i], at;
        if (f >= 0) {
          var air = layers.airborne().filter(function (a) { return a.event === i; })[0];
          var shape = layers.shapes.flight(f);
          at = air ? air.latlng : L.latLng(shape.geo.lat2, shape.geo.lon2);
        } else {
          at = L.latLng(m.places.lat[m.place[i]], m.places.lon[m.place[i]]);
        }
        ctx.openEvent(i, at, quiet);
        return true;
      },
      // Show these events: the clock where all of them are shown, the map around them, and
      // a single one's card (the app's table selection comes here).
      focus: function (ids) {
        var found = ids.map(index).filter(function (i) { return i >= 0; });
        if (!found.length) return false;
        var latest = Math.max.apply(null, found.map(function (i) { return m.t0[i]; }));
        var earliest = Math.min.apply(null, found.map(function (i) { return m.t0[i]; }));
        if (earliest < clock.lo || latest > clock.hi) clock.set({ lo: span[0], hi: span[1] });
        clock.set({ t: clock.mode === "window" ? earliest : latest });
        var b = boundsOf(m, found);
        if (b.isValid()) map.fitBounds(b.pad(0.2), { maxZoom: 7, animate: false });
        if (found.length === 1) api.openPopup(m.id[found[0]], true);
        return true;
      },
      // The reader's place kept across a new document (the app's): not the zone, which the
      // document was given, and not a moment outside the new data (its opening stands then;
      // with no data at all, the clock stays where it was).
      restore: function (text) {
        var state = GEO.parseFragment(text, { views: viewIds }).state;
        delete state.tz;
        if (n && state.t !== undefined && (state.t < span[0] || state.t > span[1])) {
          delete state.t; delete state.start; delete state.end; delete state.view;
        }
        applyState(state);
      },
      fragment: fragment,
      stops: clock.stops,
      span: span
    };
    window.geoTimeline = api;
    GEO.embed.attach(api);
    return api;
  };

  window.geoTimelineInit = function (map, groups, opts) {
    var meta = JSON.parse(document.getElementById(opts.metaId).textContent);
    var blob = document.getElementById(opts.blobId).textContent;
    return GEO.decode(meta, blob).then(function (m) {
      return GEO.start(map, groups, m, opts);
    }).catch(function (err) {
      var box = GEO.el("div", "geo-error", "The map's data could not be read: " + err);
      map.getContainer().appendChild(box);
      throw err;
    });
  };
})();
