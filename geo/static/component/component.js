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
    sendFocus();
  });

  // The app's filters in its URL, from the latest render: a rerun interrupted by a newer input
  // can lose Streamlit's own URL update, never this one (the newest render brings it).
  function keepQuery(query) {
    try {
      var top = window.parent;
      var wanted = query ? "?" + query : "";
      if (top.location.search !== wanted) {
        top.history.replaceState(top.history.state, "", top.location.pathname + wanted + top.location.hash);
      }
    } catch (e) { /* a parent of another origin: Streamlit's own update stands */ }
  }

  // The document with the app's content security policy (geo.appstate.map_policy) as its
  // first element: it binds everything the document loads or runs after it. The frame is
  // sandboxed besides (index.html): scripts, and links opening in a tab, nothing else.
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
      if (args.height && args.height !== height) {
        height = args.height;
        send("streamlit:setFrameHeight", { height: height });
      }
      if (typeof args.query === "string") keepQuery(args.query);
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
      else if (d.geo === "state") state = String(d.fragment);
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
