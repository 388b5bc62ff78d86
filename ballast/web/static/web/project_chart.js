/* The project page's chart: monthly accepted investment against the plan (万元). */
(function () {
  "use strict";
  var holder = document.getElementById("invest-chart");
  var source = document.getElementById("invest-data");
  if (!holder || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var num = function (v) { return v === null ? null : Number(v); };
  var chart = window.echarts.init(holder, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v.toLocaleString("zh-CN", { minimumFractionDigits: 2 }) + " 万元"; } },
    legend: { data: ["当月完成", "累计完成", "累计计划（序时）"], top: 0 },
    grid: { left: 60, right: 20, top: 36, bottom: 28 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", name: "万元" },
    series: [
      { name: "当月完成", type: "bar", data: data.monthly.map(num), itemStyle: { color: "#3b6ea8" } },
      { name: "累计完成", type: "line", data: data.cumulative.map(num), itemStyle: { color: "#c0392b" } },
      { name: "累计计划（序时）", type: "line", data: data.plan.map(num), lineStyle: { type: "dashed" }, itemStyle: { color: "#7f8c8d" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
