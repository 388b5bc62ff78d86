/* 挂图作战: projects as points on the units' outlines (no tile server). Every label it
   shows comes translated in the page's data (map-data). */
(function () {
  "use strict";
  var holder = document.getElementById("map-chart");
  var source = document.getElementById("map-data");
  if (!holder || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var echarts = window.echarts;
  echarts.registerMap("ballast-units", { type: "FeatureCollection", features: data.outlines.features || [] });
  var stageColors = ["#9aa5b1", "#8e7cc3", "#6fa8dc", "#3d85c6", "#1f4e8c", "#e69138", "#f1c232", "#6aa84f", "#38761d", "#274e13"];
  var levelColors = { red: "#b3261e", yellow: "#e0a100", none: "#5b8def" };
  var groups = {};
  var names = [];
  var colorOf = {};
  // Labels come translated with the data (the page's language); the script has no text.
  var levelLabel = {};
  data.levels.forEach(function (lv) { levelLabel[lv.value] = lv.label; });
  var locale = document.documentElement.lang || "zh-CN";
  if (data.color === "warning") {
    data.levels.forEach(function (lv) {
      names.push(lv.label); groups[lv.value] = { name: lv.label, items: [] }; colorOf[lv.value] = levelColors[lv.value];
    });
  } else {
    data.stages.forEach(function (s, i) { names.push(s.label); groups[s.value] = { name: s.label, items: [] }; colorOf[s.value] = stageColors[i % stageColors.length]; });
  }
  data.points.forEach(function (p) {
    var key = data.color === "warning" ? p.warning : p.stage;
    if (groups[key]) { groups[key].items.push(p); }
  });
  var series = Object.keys(groups).map(function (key) {
    return {
      name: groups[key].name, type: "scatter", coordinateSystem: "geo", symbolSize: 9, cursor: "pointer",
      itemStyle: { color: colorOf[key], borderColor: "#fff", borderWidth: 0.5 },
      data: groups[key].items
    };
  });
  // Functional zones (功能区) have no administrative outline: a marker at the centre of
  // their projects' coordinates, named, drawn under the projects' points.
  var zones = data.zones || [];
  if (zones.length) {
    names.push(data.texts.zone);
    series.unshift({
      name: data.texts.zone, type: "scatter", coordinateSystem: "geo", symbol: "diamond", symbolSize: 16, z: 1,
      itemStyle: { color: "rgba(120, 90, 160, 0.35)", borderColor: "#6b4f99", borderWidth: 1.5 },
      label: { show: true, position: "left", fontSize: 11, color: "#4b3670", formatter: function (p) { return p.data.name; } },
      tooltip: { formatter: function (p) { return p.data.name + "\n" + data.texts.zone_note + "\n" + data.texts.zone_projects + " " + p.data.value[2]; } },
      data: zones
    });
  }
  // Small areas (the parks inside the centre) keep their outline but not their label,
  // which would cover the larger units' labels.
  function span(feature) {
    var xs = [], ys = [];
    (function walk(c) { if (typeof c[0] === "number") { xs.push(c[0]); ys.push(c[1]); } else { c.forEach(walk); } })(feature.geometry.coordinates);
    return (Math.max.apply(null, xs) - Math.min.apply(null, xs)) * (Math.max.apply(null, ys) - Math.min.apply(null, ys));
  }
  var features = data.outlines.features || [];
  var largest = features.reduce(function (m, f) { return Math.max(m, span(f)); }, 0);
  var regions = features.filter(function (f) { return span(f) < largest / 25; }).map(function (f) {
    return { name: f.properties.name, label: { show: false }, itemStyle: { areaColor: "#dfe7f3" } };
  });
  function bbox(feature) {
    var b = [Infinity, Infinity, -Infinity, -Infinity];
    (function walk(c) {
      if (typeof c[0] === "number") { b = [Math.min(b[0], c[0]), Math.min(b[1], c[1]), Math.max(b[2], c[0]), Math.max(b[3], c[1])]; } else { c.forEach(walk); }
    })(feature.geometry.coordinates);
    return b;
  }
  var view = {};
  var focused = features.filter(function (f) { return f.properties.code === data.focus; })[0];
  if (focused && features.length > 1) {
    var all = features.map(bbox).reduce(function (a, b) { return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])]; });
    var own = bbox(focused);
    view.center = [(own[0] + own[2]) / 2, (own[1] + own[3]) / 2];
    view.zoom = Math.max(1, 0.8 * Math.min((all[2] - all[0]) / (own[2] - own[0]), (all[3] - all[1]) / (own[3] - own[1])));
  }
  var chart = echarts.init(holder, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    // Drawn on the canvas (renderMode "richText"): HTML tooltips carry style attributes,
    // which the CSP forbids; canvas text needs no escaping either.
    tooltip: { renderMode: "richText", trigger: "item", formatter: function (p) {
      if (!p.data || !p.data.name) { return p.name || ""; }
      var d = p.data;
      return d.name + "\n" + d.unit + " · " + d.stage_label + "\n" + data.texts.investment + " " +
        Number(d.investment).toLocaleString(locale) + " " + data.texts.wan +
        (d.warning !== "none" ? "\n" + (levelLabel[d.warning] || d.warning) : "");
    } },
    legend: { type: "scroll", top: 0, data: names },
    geo: { map: "ballast-units", roam: true, top: 40, bottom: 10, aspectScale: 0.85,
      label: { show: true, fontSize: 11, color: "#334" },
      itemStyle: { areaColor: "#e8eef7", borderColor: "#7a8ca8" },
      regions: regions, center: view.center, zoom: view.zoom || 1,
      emphasis: { label: { show: true }, itemStyle: { areaColor: "#d3def0" } } },
    series: series
  });
  chart.on("click", function (p) { if (p.data && p.data.url) { window.location.href = p.data.url; } });
  window.addEventListener("resize", function () { chart.resize(); });
})();
