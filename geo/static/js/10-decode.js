/* Decoding the page's data: the JSON block (meta) and the blob (base64 of deflated parts,
 * see geo/pack.py) -> typed columns. Nothing here draws.
 */
(function () {
  "use strict";

  var ARRAYS = { u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, i32: Int32Array,
                 f64: Float64Array };

  // The parts the page reads, by name and type: geo/payload.py's PARTS, the one declaration
  // (tests/test_payload.py holds the two together). A document whose parts differ is refused
  // with a message naming each missing, extra or mistyped part, never drawn with an undefined
  // column. A type ending in "?" is an optional part: absent when it has no rows (read empty).
  var PARTS = {
    "pl.lat": "i32", "pl.lon": "i32", "pl.label": "u32", "pl.zone": "u32", "ev.dt0": "f64",
    "ev.len": "f64", "ev.kind": "u8", "ev.status": "u8", "ev.precision": "u8", "ev.flags": "u8",
    "ev.place": "u32", "ev.id": "json", "ev.title": "json", "ev.notes": "u32", "ev.when": "u32",
    "ev.local": "u32", "ev.utc": "u32", "ev.stop": "u32", "ev.origin.n": "u16",
    "ev.origin.items": "u32", "ev.who.n": "u16", "ev.who.items": "u32", "ev.src.n": "u16",
    "ev.src.items": "u32", "arc.event": "u32", "arc.from": "u32", "fl.event": "u32",
    "fl.from": "u32", "fl.facts": "u32", "fl.rec.n": "u16", "fl.rec.items": "u32",
    "rec.flight": "u32", "rec.n": "u32", "rec.lat": "i32", "rec.lon": "i32", "rec.t": "f64",
    "rec.gap": "u8", "rec.caption": "u32", "pr.n": "u32", "pr.t": "f64", "pr.alt": "i32",
    "pr.gs": "i32", "alt.flight": "u32?", "alt.text": "u32?", "alt.n": "u32?", "alt.lat": "i32?",
    "alt.lon": "i32?", "strings": "json", "links": "json"
  };

  // The rule constants the page applies (meta.rule), by name and JSON type: geo/payload.py's
  // RULES, checked the same way. The page writes none of these numbers itself.
  var RULES = {
    "instantMs": "number", "zeroLengthKm": "number", "clusterCellPx": "number",
    "arcStepKm": "number", "trackStepMinutes": "number", "trackStepKm": "number"
  };

  function partProblems(index) {  // -> ["missing part 'ev.dt0'", ...], as geo.payload says it
    var out = [];
    function type(name) { return PARTS[name].replace("?", ""); }
    Object.keys(PARTS).forEach(function (name) {
      if (!Object.prototype.hasOwnProperty.call(index, name) && PARTS[name] === type(name)) {
        out.push("missing part '" + name + "'");
      }
    });
    Object.keys(index).forEach(function (name) {
      if (!Object.prototype.hasOwnProperty.call(PARTS, name)) out.push("extra part '" + name + "'");
      else if (index[name].type !== type(name)) {
        out.push("part '" + name + "' is " + index[name].type + ", not " + type(name));
      }
    });
    return out;
  }
  function ruleProblems(rules) {  // -> ["missing rule 'instantMs'", ...], as geo.payload says it
    var out = [];
    Object.keys(RULES).forEach(function (name) {
      if (!Object.prototype.hasOwnProperty.call(rules, name)) out.push("missing rule '" + name + "'");
    });
    Object.keys(rules).forEach(function (name) {
      if (!Object.prototype.hasOwnProperty.call(RULES, name)) out.push("extra rule '" + name + "'");
      else if (typeof rules[name] !== RULES[name]) {
        out.push("rule '" + name + "' is " + typeof rules[name] + ", not " + RULES[name]);
      }
    });
    return out;
  }
  GEO.PARTS = PARTS;
  GEO.RULES = RULES;
  GEO.partProblems = partProblems;
  GEO.ruleProblems = ruleProblems;

  function bytesOf(b64) {  // base64 text -> Uint8Array
    if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(b64);
    var bin = atob(b64), out = new Uint8Array(bin.length);
    for (var k = 0; k < bin.length; k++) out[k] = bin.charCodeAt(k);
    return out;
  }

  function inflate(bytes, encoding) {  // -> Promise<ArrayBuffer>
    if (encoding === "none") return Promise.resolve(bytes.buffer);
    if (typeof DecompressionStream === "function" && typeof Response === "function") {
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
      return new Response(stream).arrayBuffer();
    }
    // browsers without DecompressionStream: fflate (MIT), inlined beside this script
    return Promise.resolve(GEO.global.fflate.unzlibSync(bytes).buffer);
  }

  function parts(meta, buffer) {
    var out = {}, text = new TextDecoder();
    Object.keys(PARTS).forEach(function (name) {  // an optional part left out: no rows
      var t = PARTS[name];
      if (t.slice(-1) === "?") out[name] = new ARRAYS[t.slice(0, -1)](0);
    });
    Object.keys(meta.parts).forEach(function (name) {
      var p = meta.parts[name];
      if (p.type === "json") {
        out[name] = JSON.parse(text.decode(new Uint8Array(buffer, p.offset, p.length)));
      } else {
        out[name] = new ARRAYS[p.type](buffer, p.offset, p.length);
      }
    });
    return out;
  }

  // A list field: event i's items are items[start[i] .. start[i + 1]).
  function listField(counts, items) {
    var start = new Uint32Array(counts.length + 1);
    for (var k = 0; k < counts.length; k++) start[k + 1] = start[k] + counts[k];
    return {
      start: start, items: items,
      of: function (i) { return Array.prototype.slice.call(items, start[i], start[i + 1]); }
    };
  }

  // The page's data model from the parts: times in ms since the epoch, each event the
  // half-open interval [t0[i], t1[i]) (geo.timeline.exclusive_end), coordinates in degrees.
  GEO.model = function (meta, p) {
    var n = meta.counts.events, scale = meta.coordScale;
    var t0 = new Float64Array(n), t1 = new Float64Array(n), s = meta.base;
    for (var i = 0; i < n; i++) {
      s += p["ev.dt0"][i];
      t0[i] = s * 1000;
      t1[i] = (s + p["ev.len"][i]) * 1000;
    }
    var nPlaces = meta.counts.places;
    var lat = new Float64Array(nPlaces), lon = new Float64Array(nPlaces);
    var mx = new Float64Array(nPlaces), my = new Float64Array(nPlaces);
    for (var k = 0; k < nPlaces; k++) {
      lat[k] = p["pl.lat"][k] / scale;
      lon[k] = p["pl.lon"][k] / scale;
      var m = GEO.mercator(lat[k], lon[k]);
      mx[k] = m[0]; my[k] = m[1];
    }
    var flightOf = new Int32Array(n).fill(-1);
    for (var f = 0; f < p["fl.event"].length; f++) flightOf[p["fl.event"][f]] = f;
    // recorded tracks: track r's drawn fixes are [start[r], start[r + 1]) of the columns
    var nFixes = p["rec.lat"].length, rlat = new Float64Array(nFixes), rlon = new Float64Array(nFixes);
    for (k = 0; k < nFixes; k++) { rlat[k] = p["rec.lat"][k] / scale; rlon[k] = p["rec.lon"][k] / scale; }
    var recOf = new Int32Array(p["fl.event"].length).fill(-1);
    for (var r = 0; r < p["rec.flight"].length; r++) recOf[p["rec.flight"][r]] = r;
    // the other candidates of a flight matched against an archive: alternative a's path is
    // [start[a], start[a + 1]) of alt.lat/alt.lon; a flight's alternatives are consecutive
    var nAlt = p["alt.lat"].length, alat = new Float64Array(nAlt), alon = new Float64Array(nAlt);
    for (k = 0; k < nAlt; k++) { alat[k] = p["alt.lat"][k] / scale; alon[k] = p["alt.lon"][k] / scale; }
    var altOf = [];
    for (f = 0; f < p["fl.event"].length; f++) altOf.push([]);
    for (var a = 0; a < p["alt.flight"].length; a++) altOf[p["alt.flight"][a]].push(a);
    return {
      meta: meta, n: n, t0: t0, t1: t1, strings: p.strings, links: p.links,
      kind: p["ev.kind"], status: p["ev.status"], precision: p["ev.precision"],
      flags: p["ev.flags"], place: p["ev.place"], id: p["ev.id"], title: p["ev.title"],
      notes: p["ev.notes"], when: p["ev.when"], local: p["ev.local"], utc: p["ev.utc"],
      stop: p["ev.stop"],
      origin: listField(p["ev.origin.n"], p["ev.origin.items"]),
      who: listField(p["ev.who.n"], p["ev.who.items"]),
      src: listField(p["ev.src.n"], p["ev.src.items"]),
      places: { n: nPlaces, lat: lat, lon: lon, mx: mx, my: my, label: p["pl.label"],
                zone: p["pl.zone"] },
      arcs: { event: p["arc.event"], from: p["arc.from"] },
      flights: { event: p["fl.event"], from: p["fl.from"], facts: p["fl.facts"],
                 track: listField(p["fl.rec.n"], p["fl.rec.items"]) },
      flightOf: flightOf,
      recorded: { flight: p["rec.flight"], fixes: listField(p["rec.n"], p["rec.t"]).start,
                  lat: rlat, lon: rlon, t: p["rec.t"], gap: p["rec.gap"],
                  profile: listField(p["pr.n"], p["pr.t"]).start, pt: p["pr.t"],
                  alt: p["pr.alt"], gs: p["pr.gs"], caption: p["rec.caption"] },
      recOf: recOf,
      alternatives: { of: altOf, text: p["alt.text"], lat: alat, lon: alon,
                      points: listField(p["alt.n"], p["alt.lat"]).start },
      text: function (k) { return p.strings[k]; }
    };
  };

  // meta (the parsed JSON block) and the blob's base64 text -> Promise<model>
  GEO.decode = function (meta, b64) {
    var wrong = partProblems(meta.blob.parts).concat(ruleProblems(meta.rule || {}));
    if (wrong.length) {
      return Promise.reject(new Error("the data does not match this page: " + wrong.join("; ")));
    }
    return inflate(bytesOf(b64.trim()), meta.blob.encoding).then(function (buffer) {
      return GEO.model(meta, parts(meta.blob, buffer));
    });
  };
  GEO.global = typeof window !== "undefined" ? window : globalThis;
})();
