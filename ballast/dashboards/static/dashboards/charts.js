/* Cockpit and rankings charts (ECharts from the product's own static files).
   Hover shows the values; a click opens the list behind the number. */
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
  var pct = function (v) { return v === null || v === undefined ? "—" : v.toFixed(1) + "%"; };

  var data = readJSON("cockpit-data");
  if (data) {
    var funnel = make("funnel-chart");
    if (funnel) {
      var stages = data.funnel.slice().reverse();
      funnel.setOption({
        animation: false,
        tooltip: { trigger: "item", formatter: function (p) { return p.name + "：" + p.value + " 个项目（点击查看清单）"; } },
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
        tooltip: { trigger: "axis", valueFormatter: pct },
        legend: { data: ["投资完成率", "序时进度"], top: 0 },
        grid: { left: 48, right: 16, top: 34, bottom: 56 },
        xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { interval: 0, rotate: rows.length > 5 ? 30 : 0 } },
        yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
        series: [
          { name: "投资完成率", type: "bar", cursor: "pointer", data: rows.map(function (r) {
              return { value: r.rate, itemStyle: { color: r.rate !== null && r.progress !== null && r.rate < r.progress ? "#b3261e" : "#2f7d32" } };
            }) },
          { name: "序时进度", type: "line", symbol: "rect", symbolSize: 10, lineStyle: { type: "dashed" }, itemStyle: { color: "#b7791f" },
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
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : "第 " + v + " 名"; } },
        legend: { type: "scroll", top: 0 },
        grid: { left: 40, right: 20, top: 40, bottom: 28 },
        xAxis: { type: "category", data: history.periods },
        yAxis: { type: "value", inverse: true, min: 1, minInterval: 1, name: "名次" },
        series: history.units.map(function (u) { return { name: u.name, type: "line", data: u.ranks, connectNulls: true }; })
      });
    }
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
