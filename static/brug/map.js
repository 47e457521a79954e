// The neighbourhood map: one request for its data, drawn with Leaflet. The page's table already
// lists the same data, so without this file (or without JavaScript) nothing is lost.
(function () {
  "use strict";

  function mark(properties) {
    var classes = ["map-mark", "kind-" + (properties.kind === "engagement" ? "engagement" : properties.kind)];
    if (properties.front) { classes.push("front-" + properties.front); }
    if (properties.direction) { classes.push("dir-" + properties.direction); }
    return classes.join(" ");
  }

  function popup(properties, openLabel) {
    // Built from DOM nodes, never from HTML strings: names are user data.
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = properties.name;
    box.appendChild(title);
    var details = [properties.kind_label, properties.front_label, properties.direction_label].filter(Boolean);
    if (details.length) {
      var line = document.createElement("div");
      line.textContent = details.join(" · ");
      box.appendChild(line);
    }
    if (properties.url) {
      var link = document.createElement("a");
      link.href = properties.url;
      link.textContent = openLabel;
      box.appendChild(link);
    }
    return box;
  }

  function draw(element, data) {
    var campus = data.campus;
    element.hidden = false;
    // A view first: circles and markers need one to be projected.
    var map = L.map(element, { scrollWheelZoom: false, keyboard: true, zoomControl: false }).setView([campus.lat, campus.lon], 15);
    // Leaflet's own buttons say "Zoom in" in every language: name them in the page's.
    L.control.zoom({
      zoomInTitle: element.getAttribute("data-zoom-in-label") || "+",
      zoomOutTitle: element.getAttribute("data-zoom-out-label") || "-"
    }).addTo(map);
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: new URL(tiles.replace("{s}", "a")).host }).addTo(map);
    }
    var shape;
    if (campus.area) {
      shape = L.geoJSON(campus.area, { style: { color: "#555", weight: 2, fillOpacity: 0.05 } });
    } else {
      shape = L.circle([campus.lat, campus.lon], { radius: campus.radius_m, color: "#555", weight: 2, fillOpacity: 0.05 });
    }
    shape.addTo(map);
    var openLabel = element.getAttribute("data-open-label") || "Open";
    L.marker([campus.lat, campus.lon], {
      icon: L.divIcon({ className: "map-icon", html: '<span class="map-mark kind-campus"></span>', iconSize: [18, 18] }),
      title: (element.getAttribute("data-campus-label") || "Campus") + ": " + campus.name,
      alt: campus.name,
      keyboard: true
    }).addTo(map);
    data.features.forEach(function (feature) {
      var p = feature.properties;
      var c = feature.geometry.coordinates;
      var size = p.kind === "cluster" ? 26 : 14;
      var icon = L.divIcon({ className: "map-icon", html: "", iconSize: [size, size] });
      var marker = L.marker([c[1], c[0]], { icon: icon, title: p.name, alt: p.name, keyboard: true });
      marker.on("add", function () {
        var inner = document.createElement("span");
        inner.className = mark(p);
        if (p.kind === "cluster") { inner.textContent = String(p.count); }
        marker.getElement().appendChild(inner);
      });
      marker.bindPopup(popup(p, openLabel));
      marker.addTo(map);
    });
    map.fitBounds(shape.getBounds(), { padding: [16, 16] });
    element.setAttribute("data-ready", String(data.features.length));
    var status = document.getElementById("map-status");
    if (status && data.aggregated) { status.textContent = element.getAttribute("data-aggregated-label"); }
  }

  function start() {
    var element = document.getElementById("neighbourhood-map");
    if (!element || typeof L === "undefined") { return; }
    fetch(element.getAttribute("data-src"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        if (data.campus.lat === null) { return; }
        draw(element, data);
      })
      .catch(function (error) {
        element.setAttribute("data-failed", String(error));
      });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
