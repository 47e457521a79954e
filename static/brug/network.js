// The network at a glance: fetch the bounded graph (one JSON request) and draw it on a canvas.
// No library: a small force layout (at most a few hundred nodes, aggregated on the server).
// Keyboard: the canvas takes focus; arrow keys move, + and - zoom, 0 resets; Tab through the buttons.
(function () {
  "use strict";

  var COLOURS = { S: "#1b7f3b", O: "#b85c00", F: "#1f5fa8", A: "#6b3fa0", R: "#a3195b", org: "#555555" };

  function layout(nodes, edges, width, height) {
    var index = {};
    nodes.forEach(function (n, i) {
      index[n.id] = i;
      var angle = (2 * Math.PI * i) / Math.max(nodes.length, 1);
      n.x = width / 2 + (width / 3) * Math.cos(angle) * (0.5 + ((i * 7919) % 97) / 194);
      n.y = height / 2 + (height / 3) * Math.sin(angle) * (0.5 + ((i * 104729) % 89) / 178);
      n.vx = 0;
      n.vy = 0;
    });
    var links = edges
      .filter(function (e) { return e.source in index && e.target in index; })
      .map(function (e) { return { s: nodes[index[e.source]], t: nodes[index[e.target]], w: e.weight }; });
    var k = Math.sqrt((width * height) / Math.max(nodes.length, 1)) * 0.6;
    for (var step = 0; step < 160; step++) {
      var cool = 1 - step / 160;
      for (var i = 0; i < nodes.length; i++) {
        var a = nodes[i];
        for (var j = i + 1; j < nodes.length; j++) {
          var b = nodes[j];
          var dx = a.x - b.x, dy = a.y - b.y;
          var d2 = dx * dx + dy * dy + 0.01;
          var f = (k * k) / d2;
          a.vx += dx * f * 0.05; a.vy += dy * f * 0.05;
          b.vx -= dx * f * 0.05; b.vy -= dy * f * 0.05;
        }
      }
      links.forEach(function (l) {
        var dx = l.t.x - l.s.x, dy = l.t.y - l.s.y;
        var d = Math.sqrt(dx * dx + dy * dy) + 0.01;
        var f = (d - k) / d * 0.05;
        l.s.vx += dx * f; l.s.vy += dy * f;
        l.t.vx -= dx * f; l.t.vy -= dy * f;
      });
      nodes.forEach(function (n) {
        n.vx += (width / 2 - n.x) * 0.002;
        n.vy += (height / 2 - n.y) * 0.002;
        var speed = Math.sqrt(n.vx * n.vx + n.vy * n.vy) + 0.01;
        var limit = 12 * cool + 0.5;
        if (speed > limit) { n.vx *= limit / speed; n.vy *= limit / speed; }
        n.x += n.vx; n.y += n.vy;
        n.vx *= 0.5; n.vy *= 0.5;
      });
    }
    return links;
  }

  function radius(n) { return 4 + Math.min(18, Math.sqrt(n.size || 1) * 2); }

  function start(box) {
    var canvas = document.createElement("canvas");
    var width = Math.max(box.clientWidth || 800, 320), height = Math.round(width * 0.6);
    var ratio = window.devicePixelRatio || 1;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    canvas.className = "network-canvas";
    canvas.setAttribute("tabindex", "0");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", box.dataset.labelCanvas);
    var status = document.createElement("p");
    status.setAttribute("role", "status");
    status.textContent = box.dataset.labelLoading;
    var tools = document.createElement("div");
    tools.className = "actions network-tools";
    var view = { x: 0, y: 0, zoom: 1 };
    var graph = null, hover = null;

    function button(label, action) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.addEventListener("click", function () { action(); draw(); });
      tools.appendChild(b);
    }
    button(box.dataset.labelZoomIn, function () { view.zoom *= 1.25; });
    button(box.dataset.labelZoomOut, function () { view.zoom /= 1.25; });
    button(box.dataset.labelReset, function () { view = { x: 0, y: 0, zoom: 1 }; });
    box.appendChild(tools);
    box.appendChild(canvas);
    box.appendChild(status);

    function toScreen(n) {
      return { x: (n.x - width / 2) * view.zoom + width / 2 + view.x, y: (n.y - height / 2) * view.zoom + height / 2 + view.y };
    }

    function draw() {
      var ctx = canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      if (!graph) { return; }
      var strongest = graph.links.reduce(function (m, l) { return Math.max(m, l.w); }, 1);
      graph.links.forEach(function (l) {
        var a = toScreen(l.s), b = toScreen(l.t);
        ctx.strokeStyle = l.w ? "rgba(60,60,60,0.45)" : "rgba(150,150,150,0.3)";
        ctx.lineWidth = 0.5 + (4 * Math.log(1 + l.w)) / Math.log(1 + strongest);
        ctx.beginPath(); ctx.moveTo(a.x, a.y); ctx.lineTo(b.x, b.y); ctx.stroke();
      });
      graph.nodes.forEach(function (n) {
        var p = toScreen(n), r = radius(n) * Math.sqrt(view.zoom);
        ctx.fillStyle = COLOURS[n.role] || COLOURS.org;
        ctx.beginPath();
        if (n.kind === "person" || n.kind === "role") { ctx.arc(p.x, p.y, r, 0, 2 * Math.PI); }
        else { ctx.rect(p.x - r, p.y - r, 2 * r, 2 * r); }
        ctx.fill();
        if (n.broker || n.isolated) {
          ctx.lineWidth = n.broker ? 4 : 2;
          ctx.strokeStyle = n.broker ? "#000000" : "#c00000";
          ctx.setLineDash(n.isolated && !n.broker ? [4, 3] : []);
          ctx.stroke();
          ctx.setLineDash([]);
        }
        if (n === hover || graph.nodes.length <= 40 || n.size > 1) {
          ctx.fillStyle = "#111111";
          ctx.font = "12px sans-serif";
          ctx.fillText(n.label + (n.size > 1 ? " (" + n.size + ")" : ""), p.x + r + 3, p.y + 4);
        }
      });
    }

    canvas.addEventListener("keydown", function (event) {
      var handled = true;
      if (event.key === "ArrowLeft") { view.x += 40; }
      else if (event.key === "ArrowRight") { view.x -= 40; }
      else if (event.key === "ArrowUp") { view.y += 40; }
      else if (event.key === "ArrowDown") { view.y -= 40; }
      else if (event.key === "+" || event.key === "=") { view.zoom *= 1.25; }
      else if (event.key === "-") { view.zoom /= 1.25; }
      else if (event.key === "0") { view = { x: 0, y: 0, zoom: 1 }; }
      else { handled = false; }
      if (handled) { event.preventDefault(); draw(); }
    });
    canvas.addEventListener("mousemove", function (event) {
      if (!graph) { return; }
      var rect = canvas.getBoundingClientRect(), mx = event.clientX - rect.left, my = event.clientY - rect.top;
      var found = null;
      graph.nodes.forEach(function (n) {
        var p = toScreen(n), r = radius(n) * Math.sqrt(view.zoom) + 2;
        if (Math.abs(p.x - mx) <= r && Math.abs(p.y - my) <= r) { found = n; }
      });
      if (found !== hover) {
        hover = found;
        canvas.title = found ? found.label + (found.broker ? " · " + box.dataset.labelBroker : "") + (found.isolated ? " · " + box.dataset.labelIsolated : "") : "";
        draw();
      }
    });

    fetch(box.dataset.networkUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (data) {
        var links = layout(data.nodes, data.edges, width, height);
        graph = { nodes: data.nodes, links: links };
        status.textContent = "";
        draw();
      })
      .catch(function () { status.textContent = box.dataset.labelFailed; });
  }

  function init() {
    document.querySelectorAll("[data-network-url]").forEach(start);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
