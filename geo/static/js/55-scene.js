/* The scene at time t: what each layer draws, whatever draws it (SVG or canvas).
 *
 * - markers: the shown events other than flights, counted per place (clustering by zoom is
 *   the layer's, as it needs pixels);
 * - lines: contacts between the same two places of one kind are one line, and so are the
 *   flights flown on one route; each line's opacity shows how many it stands for
 *   (1 - (1 - a)^count), faded by the data's density, so 50,000 contacts stay readable;
 * - flights in the air, each with its own track so far and its aircraft.
 */
(function () {
  "use strict";

  var P = GEO.PHASE;
  var LINE_FADE = 25;  // a line's alpha is its status's opacity times min(1, 25 / sqrt(lines))

  function groupsOf(keys) {  // keys -> {id per item, list of first items}
    var byKey = new Map(), id = new Uint32Array(keys.length), first = [];
    for (var k = 0; k < keys.length; k++) {
      var g = byKey.get(keys[k]);
      if (g === undefined) { g = first.length; byKey.set(keys[k], g); first.push(k); }
      id[k] = g;
    }
    return { id: id, first: first };
  }

  function csr(n, ids) {  // items grouped: members of g are items[start[g] .. start[g + 1])
    var start = new Uint32Array(n + 1), items = new Uint32Array(ids.length), fill;
    for (var k = 0; k < ids.length; k++) start[ids[k] + 1]++;
    for (var g = 0; g < n; g++) start[g + 1] += start[g];
    fill = start.slice(0, n);
    for (k = 0; k < ids.length; k++) items[fill[ids[k]]++] = k;
    return { start: start, items: items };
  }

  GEO.Scene = function (m) {
    this.m = m;
    var n = m.n, A = m.arcs, F = m.flights, flightKind = m.meta.kinds.indexOf("flight");
    // lines: contact arcs (event, from -> the event's place) and flight routes, grouped
    var from = [], to = [], kind = [], event = [], keys = [];
    for (var j = 0; j < A.event.length; j++) {
      var i = A.event[j];
      from.push(A.from[j]); to.push(m.place[i]); kind.push(m.kind[i]); event.push(i);
    }
    this.nArcs = from.length;
    for (var f = 0; f < F.event.length; f++) {
      from.push(F.from[f]); to.push(m.place[F.event[f]]); kind.push(flightKind);
      event.push(F.event[f]);
    }
    // a recorded flight is a line of its own (its path is its own); the others share a route
    for (var k = 0; k < from.length; k++) {
      var rf = k >= this.nArcs ? m.recOf[k - this.nArcs] : -1;
      keys.push(rf >= 0 ? -1 - rf : from[k] * 4194304 * 16 + to[k] * 16 + kind[k]);
    }
    var groups = groupsOf(keys);
    this.lineEvent = Uint32Array.from(event);
    this.lineGroup = groups.id;
    var G = groups.first.length;
    this.groups = {
      n: G,
      from: Uint32Array.from(groups.first.map(function (k) { return from[k]; })),
      to: Uint32Array.from(groups.first.map(function (k) { return to[k]; })),
      kind: Uint8Array.from(groups.first.map(function (k) { return kind[k]; })),
      recorded: Uint8Array.from(groups.first.map(function (k) { return keys[k] < 0 ? 1 : 0; })),
      members: csr(G, groups.id),
      count: new Uint32Array(G), best: new Uint8Array(G), done: new Uint8Array(G),
      keep: new Float64Array(G)  // the product of (1 - a) over the shown members
    };
    this.isFlightKind = flightKind;
    // events at each place (markers), flights excluded
    var placeIds = [], eventIds = [];
    for (i = 0; i < n; i++) {
      if (m.flightOf[i] < 0) { placeIds.push(m.place[i]); eventIds.push(i); }
    }
    var byPlace = csr(m.places.n, placeIds);
    for (k = 0; k < byPlace.items.length; k++) byPlace.items[k] = eventIds[byPlace.items[k]];
    this.atPlace = byPlace;
    this.placeCount = new Uint32Array(m.places.n);
    this.states = new Uint8Array(n);
    // a line stands for many: its opacity a per member, smaller the more lines there are
    this.density = Math.min(1, LINE_FADE / Math.sqrt(Math.max(1, from.length)));
    // each line member's own alpha: its status's opacity, faded by the density
    var statusAlpha = m.meta.statuses.map(function (name) {
      return m.meta.style.statuses[name].opacity;
    });
    this.alpha = new Float64Array(this.lineEvent.length);
    for (k = 0; k < this.lineEvent.length; k++) {
      this.alpha[k] = statusAlpha[m.status[this.lineEvent[k]]] * this.density;
    }
    this.airborne = [];
    this.shown = 0;
  };

  // Recompute everything for the clock's state; `hidden` names layers switched off.
  GEO.Scene.prototype.update = function (t, mode, windowMs, hidden) {
    var m = this.m, s = this.states;
    hidden = hidden || {};
    this.shown = GEO.statesAt(m.t0, m.t1, t, mode, windowMs, s);
    var pc = this.placeCount;
    pc.fill(0);
    var items = this.atPlace.items, start = this.atPlace.start;
    for (var k = 0; k < m.places.n; k++) {
      var c = 0;
      for (var q = start[k]; q < start[k + 1]; q++) if (s[items[q]]) c++;
      pc[k] = c;
    }
    var g = this.groups, best = g.best, count = g.count, done = g.done, keep = g.keep;
    count.fill(0); done.fill(0); best.fill(255); keep.fill(1);
    this.airborne = [];
    // window mode shows a slice of the lines: they fade with how many are shown, not with
    // all of them (cumulative mode keeps the one density, as its lines only accumulate)
    var scale = 1;
    if (mode === "window") {
      var shownLines = 0;
      for (j = 0; j < this.lineEvent.length; j++) if (s[this.lineEvent[j]]) shownLines++;
      scale = Math.min(1, LINE_FADE / Math.sqrt(Math.max(1, shownLines))) / this.density;
    }
    for (var j = 0; j < this.lineEvent.length; j++) {
      var i = this.lineEvent[j], st = s[i];
      if (!st) continue;
      var isFlight = j >= this.nArcs;
      if (isFlight && (hidden.flights || st !== P.DONE)) {
        if (!hidden.flights && st === P.UNDERWAY) this.airborne.push(j - this.nArcs);
        continue;
      }
      if (!isFlight && hidden.arcs) continue;
      var gid = this.lineGroup[j];
      count[gid]++;
      keep[gid] *= 1 - Math.min(1, this.alpha[j] * scale);
      if (m.status[i] < best[gid]) best[gid] = m.status[i];
      if (st === P.DONE) done[gid] = 1;
    }
    this.t = t;
    this.mode = mode;
    return this;
  };

  // The shown events at a list of places, latest first.
  GEO.Scene.prototype.eventsAt = function (places) {
    var out = [], s = this.states, items = this.atPlace.items, start = this.atPlace.start;
    places.forEach(function (k) {
      for (var q = start[k]; q < start[k + 1]; q++) if (s[items[q]]) out.push(items[q]);
    });
    var t0 = this.m.t0;
    return out.sort(function (a, b) { return t0[b] - t0[a] || a - b; });
  };

  // The shown events a line stands for, latest first.
  GEO.Scene.prototype.eventsOf = function (g) {
    var out = [], s = this.states, M = this.groups.members, seen = {};
    for (var q = M.start[g]; q < M.start[g + 1]; q++) {
      var i = this.lineEvent[M.items[q]];
      if (s[i] && !seen[i]) { seen[i] = true; out.push(i); }
    }
    var t0 = this.m.t0;
    return out.sort(function (a, b) { return t0[b] - t0[a] || a - b; });
  };

  // A line's style from the style tables (meta.style) and its members now: its members'
  // alphas compounded (1 - prod(1 - a)), as lines drawn over each other would be; lighter
  // while none of them is done; dashed by its kind, else by its surest member's status.
  GEO.Scene.prototype.lineStyle = function (g, canvas) {
    var m = this.m, meta = m.meta, G = this.groups;
    var ks = meta.style.kinds[meta.kinds[G.kind[g]]];
    var ss = meta.style.statuses[meta.statuses[G.best[g]]];
    var opacity = 1 - G.keep[g];
    if (!G.done[g]) opacity *= 0.5;  // only possibly under way: lighter
    return {
      color: ks.color, weight: canvas ? ks.canvas_weight : ks.weight,
      opacity: opacity, dash: ks.dash || ss.dash || ""
    };
  };

  // A single marker's style: kind colour, status opacity and outline, precedent ring,
  // hollow while possibly under way (or still to come).
  GEO.Scene.prototype.markerStyle = function (i) {
    var m = this.m, meta = m.meta, mk = meta.style.mark;
    var ks = meta.style.kinds[meta.kinds[m.kind[i]]];
    var ss = meta.style.statuses[meta.statuses[m.status[i]]];
    var precedent = m.flags[i] & 1, open = this.states[i] !== P.DONE;
    return {
      radius: precedent ? mk.precedent_radius : mk.radius,
      weight: open ? mk.underway_weight : precedent ? mk.precedent_weight : mk.weight,
      color: precedent ? mk.precedent_ring : ks.color, fillColor: ks.color,
      opacity: ss.opacity, fillOpacity: open ? mk.underway_fill : ss.fill,
      dash: ss.dash || "", precedent: !!precedent, open: open
    };
  };
})();
