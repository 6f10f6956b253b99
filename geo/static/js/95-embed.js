/* The document inside the app (its Streamlit component, geo/static/component): it tells its
 * parent which event the reader opened, the clock's zone and its state as a fragment, and
 * takes from it the events to focus (the table's selection) and a state to restore (the
 * reader's place, kept when the app replaces the document). Standing alone, it tells no one.
 */
(function () {
  "use strict";

  var api = null, pending = [];
  var embedded = typeof window !== "undefined" && window.parent && window.parent !== window;

  function handle(d) {
    if (d.geo === "base" && typeof d.url === "string" && /^https?:\/\//.test(d.url)) {
      GEO.embed.base = d.url.slice(0, 4000);  // the app's URL: the "Link" is the app's link
      return;
    }
    if (d.geo === "focus" && Array.isArray(d.ids)) api.focus(d.ids.map(String).slice(0, 1000));
    else if (d.geo === "restore" && typeof d.fragment === "string") api.restore(d.fragment.slice(0, 2000));
  }

  if (embedded) {
    window.addEventListener("message", function (ev) {
      var d = ev.data;
      if (ev.source !== window.parent || !d || typeof d !== "object") return;
      if (api) handle(d); else pending.push(d);  // before the data is decoded
    });
  }

  GEO.embed = {
    embedded: embedded,
    base: null,
    tell: function (type, data) {
      if (!embedded) return;
      var msg = { geo: type };
      Object.keys(data).forEach(function (k) { msg[k] = data[k]; });
      window.parent.postMessage(msg, "*");
    },
    attach: function (timeline) {
      api = timeline;
      // inside the app, the mouse wheel scrolls the app's page until the map is clicked
      var map = timeline.map;
      if (embedded && map && map.scrollWheelZoom) {
        map.scrollWheelZoom.disable();
        map.once("click mousedown", function () { map.scrollWheelZoom.enable(); });
      }
      pending.splice(0).forEach(handle);
    }
  };
})();
