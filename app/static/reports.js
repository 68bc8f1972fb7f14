// The reports page's charts, drawn by Apache ECharts (served by the app) from the report's own JSON.
(function () {
  "use strict";
  var source = document.getElementById("report-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var report = data.report, labels = data.labels;

  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var chart = echarts.init(node, null, { renderer: "canvas" });
    option.title = { text: node.getAttribute("data-title"), textStyle: { fontSize: 14 } };
    option.tooltip = option.tooltip || { trigger: "axis" };
    option.grid = option.grid || { left: 48, right: 16, top: 48, bottom: 56, containLabel: true };
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function bars(id, names, series) {
    draw(id, {
      legend: { bottom: 0 },
      xAxis: { type: "category", data: names, axisLabel: { rotate: names.length > 6 ? 40 : 0, interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: series
    });
  }

  var towns = report.by_township.filter(function (t) { return t.opened || t.overdue_now; })
    .sort(function (a, b) { return b.opened - a.opened; }).slice(0, 15);
  bars("chart-townships", towns.map(function (t) { return t.name; }), [
    { name: labels.opened, type: "bar", data: towns.map(function (t) { return t.opened; }) },
    { name: labels.closed, type: "bar", data: towns.map(function (t) { return t.closed; }) },
    { name: labels.overdue, type: "bar", data: towns.map(function (t) { return t.overdue_now; }) }
  ]);

  draw("chart-categories", {
    tooltip: { trigger: "item" },
    legend: { type: "scroll", bottom: 0 },
    series: [{ type: "pie", radius: ["35%", "65%"], top: 24,
      // Many thin slices make unreadable labels: then the legend and the tooltip name them.
      label: { show: report.by_category.length <= 8 },
      data: report.by_category.map(function (c) { return { name: c.name, value: c.opened }; }) }]
  });

  var outcomeNames = [], outcomeValues = [];
  ["escalations", "mediation", "judicial"].forEach(function (part) {
    Object.keys(report[part]).forEach(function (key) {
      outcomeNames.push(labels[part][key]);
      outcomeValues.push(report[part][key]);
    });
  });
  bars("chart-outcomes", outcomeNames, [{ type: "bar", data: outcomeValues }]);

  if (report.by_team) {
    var teams = report.by_team.slice(0, 15);
    bars("chart-teams", teams.map(function (t) { return t.name; }), [
      { name: labels.open, type: "bar", data: teams.map(function (t) { return t.open; }) },
      { name: labels.overdue, type: "bar", data: teams.map(function (t) { return t.overdue; }) }
    ]);
  }

  if (report.by_day) {
    var days = report.by_day.map(function (d) { return d.date.slice(5); });
    draw("chart-days", {
      legend: { bottom: 0 },
      xAxis: { type: "category", data: days },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: labels.opened, type: "line", data: report.by_day.map(function (d) { return d.opened; }) },
        { name: labels.closed, type: "line", data: report.by_day.map(function (d) { return d.closed; }) }
      ]
    });
    // The six categories of the month with the most cases, day by day.
    var top = report.by_category.slice(0, 6);
    draw("chart-trend", {
      legend: { type: "scroll", bottom: 0 },
      xAxis: { type: "category", data: days },
      yAxis: { type: "value", minInterval: 1 },
      series: top.map(function (c) {
        var byDate = {};
        report.category_trend.forEach(function (t) { if (t.code === c.code) { byDate[t.date] = t.opened; } });
        return { name: c.name, type: "bar", stack: "all",
          data: report.by_day.map(function (d) { return byDate[d.date] || 0; }) };
      })
    });
  }
}());
