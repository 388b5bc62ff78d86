/* Cockpit and rankings charts (ECharts from the product's own static files).
   Hover shows the values; a click opens the list behind the number. Every label comes
   translated in the page's data (cockpit-data, rank-history: "texts").
   Tooltips are drawn on the canvas (renderMode "richText"): ECharts' HTML tooltips carry
   style attributes, which the CSP forbids — and plain text needs no escaping. */
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var charts = [];
  function readJSON(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function make(id) {
    var holder = document.getElementById(id);
    if (!holder) { return null; }
    var chart = window.echarts.init(holder, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }
  function follow(chart, list) {
    chart.on("click", function (params) {
      var item = list[params.dataIndex];
      if (item && item.href) { window.location.href = item.href; }
    });
  }
  // "{name}: {n}" with the values put in (tooltips are canvas text, not HTML)
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? String(values[key]) : whole;
    });
  }
  var pct = function (v) { return v === null || v === undefined ? "—" : v.toFixed(1) + "%"; };

  var data = readJSON("cockpit-data");
  if (data) {
    var funnel = make("funnel-chart");
    if (funnel) {
      var stages = data.funnel.slice().reverse();
      funnel.setOption({
        animation: false,
        tooltip: { renderMode: "richText", trigger: "item", formatter: function (p) { return fill(data.texts.funnel_tip, { name: p.name, n: p.value }); } },
        grid: { left: 70, right: 40, top: 8, bottom: 20 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: stages.map(function (s) { return s.name; }) },
        series: [{ type: "bar", data: stages.map(function (s) { return s.value; }), cursor: "pointer",
          itemStyle: { color: "#1f4e8c" }, label: { show: true, position: "right" } }]
      });
      follow(funnel, stages);
    }
    var invest = make("invest-chart");
    if (invest) {
      var rows = data.investment;
      invest.setOption({
        animation: false,
        tooltip: { renderMode: "richText", trigger: "axis", valueFormatter: pct },
        legend: { data: [data.texts.rate, data.texts.progress], top: 0 },
        grid: { left: 48, right: 16, top: 34, bottom: 56 },
        xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { interval: 0, rotate: rows.length > 5 ? 30 : 0 } },
        yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
        series: [
          { name: data.texts.rate, type: "bar", cursor: "pointer", data: rows.map(function (r) {
              return { value: r.rate, itemStyle: { color: r.rate !== null && r.progress !== null && r.rate < r.progress ? "#b3261e" : "#2f7d32" } };
            }) },
          { name: data.texts.progress, type: "line", symbol: "rect", symbolSize: 10, lineStyle: { type: "dashed" }, itemStyle: { color: "#b7791f" },
            data: rows.map(function (r) { return r.progress; }) }
        ]
      });
      follow(invest, rows);
    }
  }

  var history = readJSON("rank-history");
  if (history) {
    var rank = make("rank-chart");
    if (rank) {
      rank.setOption({
        animation: false,
        tooltip: { renderMode: "richText", trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : fill(history.texts.rank, { n: v }); } },
        legend: { type: "scroll", top: 0 },
        grid: { left: 40, right: 20, top: 40, bottom: 28 },
        xAxis: { type: "category", data: history.periods },
        yAxis: { type: "value", inverse: true, min: 1, minInterval: 1, name: history.texts.axis },
        series: history.units.map(function (u) { return { name: u.name, type: "line", data: u.ranks, connectNulls: true }; })
      });
    }
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
