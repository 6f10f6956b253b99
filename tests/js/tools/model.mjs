// Decode a document's data as the page does and print what the page would draw, for
// tests/test_page_js.py to compare with Python. Usage: node model.mjs request.json
import fs from "node:fs";
import { load } from "../load.mjs";

const GEO = load();
const request = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const m = await GEO.decode(request.meta, request.blob);
const scene = new GEO.Scene(m);
const rule = m.meta.rule;
const out = {
  ids: m.id, t0: Array.from(m.t0), t1: Array.from(m.t1),
  place: Array.from(m.place, (k) => m.strings[m.places.label[k]]),
  when: Array.from(m.when, (k) => m.strings[k]),
  sources: Array.from({ length: m.n }, (_, i) => m.src.of(i).map((k) => m.strings[k])),
  arcs: [], tracks: [], aircraft: [], states: {},
};
for (let j = 0; j < m.arcs.event.length; j++) {
  const i = m.arcs.event[j], a = m.arcs.from[j], b = m.place[i], P = m.places;
  const g = GEO.geodesic.line(P.lat[a], P.lon[a], P.lat[b], P.lon[b]);
  out.arcs.push({ event: i, points: Array.from(GEO.geodesic.points(g, GEO.geodesic.arcPoints(g.s13 / 1000, rule))) });
}
const shapes = { scene };
for (let f = 0; f < m.flights.event.length; f++) {
  const i = m.flights.event[f], a = m.flights.from[f], b = m.place[i], P = m.places;
  const g = GEO.geodesic.line(P.lat[a], P.lon[a], P.lat[b], P.lon[b]);
  const dep = m.t0[i], arr = m.t1[i] - rule.instantMs;
  const n = GEO.geodesic.trackSegments(g.s13 / 1000, (arr - dep) / 60000, rule) + 1;
  out.tracks.push({ event: i, points: Array.from(GEO.geodesic.points(g, n)) });
  for (const t of request.times || []) {
    const u = Math.min(1, Math.max(0, (t - dep) / (arr - dep)));
    const p = GEO.geodesic.at(g, u, rule);
    out.aircraft.push({ event: i, t, lat: p.lat, lon: ((p.lon + 540) % 360) - 180, azi: p.azi });
  }
}
void shapes;
// the markers of every event other than a flight at each zoom asked: [[ids of a cluster], ...]
out.clusters = [];
for (const zoom of request.zooms || []) {
  const P = m.places, size = 256 * Math.pow(2, zoom), count = new Uint32Array(P.n);
  for (let i = 0; i < m.n; i++) if (m.flightOf[i] < 0) count[m.place[i]]++;
  const px = Float64Array.from(P.mx, (x) => x * size), py = Float64Array.from(P.my, (y) => y * size);
  out.clusters.push(GEO.cluster(px, py, count, rule.clusterCellPx).map((c) => {
    const here = new Set(c.places);
    return m.id.filter((_, i) => m.flightOf[i] < 0 && here.has(m.place[i]));
  }));
}
for (const t of request.times || []) {
  scene.update(t, "cumulative", 0, {});
  out.states[t] = Array.from(scene.states);
}
// each recorded track's colour at each time asked (GEO.altitudeAt on its profile, the bands)
out.altitudeColors = Array.from(m.recorded.flight, (_, r) => (request.times || []).map(
  (t) => GEO.altitudeColor(m.meta.style.altitude, GEO.altitudeAt(m.recorded, r, t))));
process.stdout.write(JSON.stringify(out));
