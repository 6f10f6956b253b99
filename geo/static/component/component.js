/* The app's map: a Streamlit component around the very document `python -m geo export`
 * writes. Streamlit sends the document (args.html), the display height and the events to
 * focus (args.focus, from the table's selection); the document tells back which event a
 * reader opened and the zone they chose, which this sends to Python as the component's value.
 * When the app replaces the document (a filter changed), the reader's place (clock, zoom,
 * centre, mode) is handed to the new one. The protocol is Streamlit's component messaging
 * (streamlit-component-lib), written out because it is four messages and needs no build.
 */
(function () {
  "use strict";

  var frame = document.getElementById("geo-map");
  var shown = null, height = 0, focus = null, loaded = false, told = 0, state = null;
  var rendered = false;  // a render came: Streamlit knows this frame
  var MIN_HEIGHT = 420, BOTTOM_GAP = 16;

  // ---- the link: the map's state is the app's link ----------------------------------------
  // The app's URL carries the map's fragment (clock, zoom, centre, mode, view) after its
  // filters: a copied app URL reopens the same map. On the first document, a fragment in the
  // app's URL is the state to restore; the document's "Link" copies the app's URL.
  try {
    var opening = window.parent.location.hash.replace(/^#/, "");
    if (opening) state = opening.slice(0, 2000);
  } catch (e) { /* a parent of another origin: no link state */ }
  function appBase() {
    try {
      var top = window.parent.location;
      return top.origin + top.pathname + top.search;
    } catch (e) { return null; }
  }
  function keepHash(fragment) {
    try {
      var top = window.parent;
      var wanted = fragment ? "#" + fragment : "";
      if (top.location.hash !== wanted) {
        top.history.replaceState(top.history.state, "", top.location.pathname + top.location.search + wanted);
      }
    } catch (e) { /* a parent of another origin */ }
  }
  function sendBase() {
    var base = appBase();
    if (loaded && base && frame.contentWindow) frame.contentWindow.postMessage({ geo: "base", url: base }, "*");
  }

  // ---- the height: the map fills the window below where it starts ------------------------
  function fittedHeight(fallback) {
    try {
      var top = window.parent, box = window.frameElement.getBoundingClientRect();
      var start = box.top + top.scrollY;  // in the app's page, wherever it is scrolled to
      return Math.max(MIN_HEIGHT, Math.round(top.innerHeight - start - BOTTOM_GAP));
    } catch (e) { return fallback; }
  }
  function fit(fallback) {
    var wanted = fittedHeight(fallback || height || MIN_HEIGHT);
    if (wanted && wanted !== height) {
      height = wanted;
      send("streamlit:setFrameHeight", { height: height });
    }
  }
  try { window.parent.addEventListener("resize", function () { fit(); }); } catch (e) { /* no */ }

  function send(type, data) {
    var msg = { isStreamlitMessage: true, type: type };
    Object.keys(data || {}).forEach(function (k) { msg[k] = data[k]; });
    window.parent.postMessage(msg, "*");
  }

  function sendFocus() {
    if (loaded && focus && frame.contentWindow) {
      frame.contentWindow.postMessage({ geo: "focus", ids: focus.ids, nonce: focus.nonce }, "*");
    }
  }

  frame.addEventListener("load", function () {
    loaded = true;
    if (state && frame.contentWindow) frame.contentWindow.postMessage({ geo: "restore", fragment: state }, "*");
    sendBase();
    sendFocus();
  });

  // The app's filters in its URL, from the latest render: a rerun interrupted by a newer input
  // can lose Streamlit's own URL update, never this one (the newest render brings it).
  function keepQuery(query) {
    try {
      var top = window.parent;
      var wanted = query ? "?" + query : "";
      var hash = state ? "#" + state : top.location.hash;  // the map's state stays in the link
      if (top.location.search !== wanted || top.location.hash !== hash) {
        top.history.replaceState(top.history.state, "", top.location.pathname + wanted + hash);
      }
    } catch (e) { /* a parent of another origin: Streamlit's own update stands */ }
  }

  // The document with the app's content security policy (geo.apptext.map_policy: its own
  // scripts by their hashes) as its first element: it binds everything the document loads or
  // runs after it. The frame is sandboxed besides (index.html).
  function withPolicy(html, csp) {
    if (typeof csp !== "string" || !csp) return html;
    var meta = '<meta http-equiv="Content-Security-Policy" content="' +
      csp.replace(/&/g, "&amp;").replace(/"/g, "&quot;") + '">';
    var head = /<head\b[^>]*>/i.exec(html);
    if (head) return html.slice(0, head.index + head[0].length) + meta + html.slice(head.index + head[0].length);
    var doctype = /^\s*<!doctype[^>]*>/i.exec(html);
    var at = doctype ? doctype[0].length : 0;
    return html.slice(0, at) + "<head>" + meta + "</head>" + html.slice(at);
  }

  function tell(value) {
    told += 1;  // a new value each time, even for the same event again
    value.n = told;
    send("streamlit:setComponentValue", { value: value, dataType: "json" });
  }

  window.addEventListener("message", function (ev) {
    var d = ev.data;
    if (!d || typeof d !== "object") return;
    if (d.type === "streamlit:render" && ev.source === window.parent) {
      rendered = true;
      var args = d.args || {};
      fit(args.height);  // the window's height below the map's top (args.height: no parent)
      if (typeof args.query === "string") { keepQuery(args.query); sendBase(); }
      var next = args.focus && args.focus.ids && args.focus.ids.length ? args.focus : null;
      var changed = JSON.stringify(next) !== JSON.stringify(focus);
      focus = next;
      var doc = typeof args.html === "string" ? withPolicy(args.html, args.csp) : null;
      if (doc !== null && doc !== shown) {
        shown = doc;
        loaded = false;
        frame.srcdoc = shown;  // the focus goes in once the new document has loaded
      } else if (changed) {
        sendFocus();
      }
    } else if (ev.source === frame.contentWindow) {
      if (d.geo === "opened") tell({ event: String(d.id) });
      else if (d.geo === "zone") tell({ zone: String(d.tz) });
      else if (d.geo === "state") { state = String(d.fragment).slice(0, 2000); keepHash(state); }
    }
  });

  // Ready, and again until the first render comes: Streamlit may load this frame before it
  // has registered it (a warning or problem list put above the map remounts the frame), and
  // drops a message from a frame it does not know yet ("Received component message for
  // unregistered ComponentInstance!"): told once, the map would stay blank.
  var readyDelay = 50;
  function ready() {
    if (rendered) return;
    send("streamlit:componentReady", { apiVersion: 1 });
    readyDelay = Math.min(readyDelay * 2, 1000);
    setTimeout(ready, readyDelay);
  }
  ready();
})();
