// The campus settings map: drag or click to place the campus, draw the neighbourhood with Leaflet-Geoman.
// The map only fills in the form's fields (latitude, longitude, radius, the area as GeoJSON); without
// JavaScript those fields are typed in, and the server checks them either way.
(function () {
  "use strict";

  var BELGIUM = [50.85, 4.35];

  function number(input) {
    var value = parseFloat(input.value);
    return isNaN(value) ? null : value;
  }

  function geometryOf(group) {
    var polygons = [];
    group.eachLayer(function (layer) {
      var geometry = layer.toGeoJSON().geometry;
      if (geometry.type === "Polygon") { polygons.push(geometry.coordinates); }
      if (geometry.type === "MultiPolygon") { polygons = polygons.concat(geometry.coordinates); }
    });
    if (!polygons.length) { return null; }
    return polygons.length === 1 ? { type: "Polygon", coordinates: polygons[0] } : { type: "MultiPolygon", coordinates: polygons };
  }

  function start() {
    var element = document.getElementById("campus-settings-map");
    if (!element || typeof L === "undefined") { return; }
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    var radius = document.getElementById("id_neighbourhood_radius_m");
    var area = document.getElementById("id_neighbourhood_area");
    var clear = document.getElementById("clear-area");
    var status = document.getElementById("campus-settings-status");
    element.hidden = false;

    var here = number(lat) !== null && number(lon) !== null ? [number(lat), number(lon)] : null;
    var map = L.map(element, { scrollWheelZoom: false, keyboard: true, zoomControl: false }).setView(here || BELGIUM, here ? 15 : 8);
    // Leaflet's own buttons say "Zoom in" in every language: name them in the page's.
    L.control.zoom({
      zoomInTitle: element.getAttribute("data-zoom-in-label") || "+",
      zoomOutTitle: element.getAttribute("data-zoom-out-label") || "-"
    }).addTo(map);
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: new URL(tiles.replace("{s}", "a")).host }).addTo(map);
    }
    if (map.pm) {
      if (map.pm.setLang) { map.pm.setLang((element.getAttribute("data-lang") || "nl").slice(0, 2)); }
      map.pm.addControls({
        position: "topleft",
        drawMarker: false, drawCircleMarker: false, drawPolyline: false, drawCircle: false, drawText: false,
        drawRectangle: true, drawPolygon: true, cutPolygon: false, rotateMode: false,
        editMode: true, dragMode: true, removalMode: true
      });
      // The tool buttons carry their name in a title on their container: give it to the button itself.
      Array.prototype.forEach.call(element.querySelectorAll(".button-container[title]"), function (box) {
        var button = box.querySelector(".leaflet-buttons-control-button");
        if (button) { button.setAttribute("aria-label", box.getAttribute("title")); }
      });
    }

    var group = L.featureGroup().addTo(map);
    var circle = null;
    var marker = null;

    function say(text) { if (status) { status.textContent = text; } }

    function write() {
      var geometry = geometryOf(group);
      area.value = geometry ? JSON.stringify(geometry) : "";
      clear.hidden = !geometry;
      drawCircle();
      element.setAttribute("data-polygons", String(group.getLayers().length));
    }

    function watch(layer) {
      layer.on("pm:edit pm:dragend", write);
    }

    function readArea() {
      group.clearLayers();
      if (!area.value.trim()) { write(); return; }
      try {
        L.geoJSON(JSON.parse(area.value)).eachLayer(function (layer) {
          if (layer instanceof L.Polygon) { group.addLayer(layer); watch(layer); }
        });
        say("");
      } catch (error) {
        say(element.getAttribute("data-invalid-label"));
      }
      clear.hidden = !group.getLayers().length;
      element.setAttribute("data-polygons", String(group.getLayers().length));
      drawCircle();
    }

    function drawCircle() {
      if (circle) { map.removeLayer(circle); circle = null; }
      var center = marker ? marker.getLatLng() : null;
      var metres = number(radius);
      if (center && metres && !group.getLayers().length) {
        circle = L.circle(center, { radius: metres, color: "#555", weight: 2, fillOpacity: 0.05, interactive: false, pmIgnore: true }).addTo(map);
      }
    }

    function place(latlng) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      if (!marker) {
        marker = L.marker(latlng, {
          draggable: true, keyboard: true, pmIgnore: true,
          title: element.getAttribute("data-campus-label"), alt: element.getAttribute("data-campus-label"),
          icon: L.divIcon({ className: "map-icon", html: '<span class="map-mark kind-campus"></span>', iconSize: [18, 18] })
        }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng()); });
      } else {
        marker.setLatLng(latlng);
      }
      element.setAttribute("data-campus", lat.value + "," + lon.value);
      drawCircle();
    }

    if (here) { place(L.latLng(here[0], here[1])); }
    readArea();
    if (group.getLayers().length) { map.fitBounds(group.getBounds(), { padding: [16, 16] }); }
    else if (circle) { map.fitBounds(circle.getBounds(), { padding: [16, 16] }); }

    map.on("click", function (event) {
      if (map.pm && map.pm.globalDrawModeEnabled && map.pm.globalDrawModeEnabled()) { return; }
      place(event.latlng);
    });
    map.on("pm:create", function (event) {
      if (event.layer instanceof L.Polygon) { group.addLayer(event.layer); watch(event.layer); }
      write();
    });
    map.on("pm:remove", function (event) { group.removeLayer(event.layer); write(); });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        if (number(lat) !== null && number(lon) !== null) { place(L.latLng(number(lat), number(lon))); map.panTo(marker.getLatLng()); }
      });
    });
    radius.addEventListener("input", drawCircle);
    area.addEventListener("change", readArea);
    clear.addEventListener("click", function () { group.clearLayers(); write(); say(element.getAttribute("data-cleared-label")); });
    element.setAttribute("data-ready", "1");
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
