/* Names on the map: greedy placement in screen space (geo/labels.py's `place`, the same
 * rule). Each label offers boxes [x0, y0, x1, y1] in px, most wanted first; labels come most
 * important first; a label takes the first of its boxes that overlaps nothing placed before
 * it (nor the `taken` boxes: markers), else it is left out at this zoom.
 */
(function () {
  "use strict";

  function free(b, boxes) {
    for (var q = 0; q < boxes.length; q++) {
      var a = boxes[q];
      if (!(b[2] <= a[0] || a[2] <= b[0] || b[3] <= a[1] || a[3] <= b[1])) return false;
    }
    return true;
  }

  // options: [[box, ...], ...]; returns [[label, option], ...] for the labels placed.
  GEO.placeLabels = function (options, taken) {
    var boxes = (taken || []).slice(), out = [];
    for (var k = 0; k < options.length; k++) {
      for (var j = 0; j < options[k].length; j++) {
        if (free(options[k][j], boxes)) { out.push([k, j]); boxes.push(options[k][j]); break; }
      }
    }
    return out;
  };

  // A place name's boxes around its point (x, y) for a text w × h px: one per offset
  // [anchor, dx, dy] (geo/labels.py's PLACE_OFFSETS), in their order; a marker of radius r
  // (when larger than the offset) pushes the name out beside it.
  GEO.labelBoxes = function (x, y, w, h, offsets, r) {
    return offsets.map(function (o) {
      var ax = o[0] === "left" ? 0 : o[0] === "right" ? -w : -w / 2;
      var ay = o[0] === "top" ? 0 : o[0] === "bottom" ? -h : -h / 2;
      var dx = o[1], dy = o[2];
      if (r) {
        dx = Math.sign(dx) * Math.max(Math.abs(dx), r + 2);
        dy = Math.sign(dy) * Math.max(Math.abs(dy), r + 2);
      }
      var x0 = x + dx + ax, y0 = y + dy + ay;
      return [x0, y0, x0 + w, y0 + h];
    });
  };

  // Where a line leaves the view: the last of its container points [x, y, ...] (from its
  // inside end) still inside [0, 0, width, height] less `margin`, or null when it starts
  // outside or never leaves.
  GEO.exitPoint = function (xy, width, height, margin) {
    function inside(q) {
      return xy[q] >= margin && xy[q] <= width - margin && xy[q + 1] >= margin &&
        xy[q + 1] <= height - margin;
    }
    if (xy.length < 4 || !inside(xy.length - 2)) return null;
    for (var q = xy.length - 4; q >= 0; q -= 2) {
      if (!inside(q)) return [xy[q + 2], xy[q + 3]];
    }
    return null;
  };
})();
