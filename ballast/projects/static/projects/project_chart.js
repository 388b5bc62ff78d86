/* The project page's chart: monthly accepted investment against the plan (万元). Its
   labels come translated in the page's data (invest-data: "texts"). The tooltip is drawn
   on the canvas (renderMode "richText"): HTML tooltips carry style attributes, which the
   CSP forbids. */
(function () {
  "use strict";
  var holder = document.getElementById("invest-chart");
  var source = document.getElementById("invest-data");
  if (!holder || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var t = data.texts;
  var locale = document.documentElement.lang || "zh-CN";
  var num = function (v) { return v === null ? null : Number(v); };
  var chart = window.echarts.init(holder, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: { renderMode: "richText", trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v.toLocaleString(locale, { minimumFractionDigits: 2 }) + " " + t.wan; } },
    legend: { data: [t.monthly, t.cumulative, t.plan], top: 0 },
    grid: { left: 60, right: 20, top: 36, bottom: 28 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", name: t.wan },
    series: [
      { name: t.monthly, type: "bar", data: data.monthly.map(num), itemStyle: { color: "#3b6ea8" } },
      { name: t.cumulative, type: "line", data: data.cumulative.map(num), itemStyle: { color: "#c0392b" } },
      { name: t.plan, type: "line", data: data.plan.map(num), lineStyle: { type: "dashed" }, itemStyle: { color: "#7f8c8d" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
