// Draws a KPI's measurements with ECharts: the values as a line, the
// target as a dashed step line and, when the KPI's thresholds apply to the
// chosen period, the on-track, at-risk and off-track ranges as bands. All
// numbers come from the page data; this file only lays them out.
(function () {
  "use strict";

  var BANDS = { green: "rgba(17, 99, 41, 0.12)", yellow: "rgba(191, 135, 0, 0.16)", red: "rgba(164, 14, 38, 0.10)" };

  function readJson(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  function numberFormat() {
    var language = document.documentElement.lang || "en";
    return new Intl.NumberFormat(language, { maximumFractionDigits: 2 });
  }

  function finite(values) {
    return values.filter(function (value) { return typeof value === "number" && isFinite(value); });
  }

  // Returns the y-axis range that contains the values, the targets and the thresholds, with some margin.
  function axisRange(points, definition, showThresholds) {
    var values = finite(points.map(function (point) { return point.value; })
      .concat(points.map(function (point) { return point.target; })));
    if (showThresholds) {
      values = values.concat(finite([definition.green, definition.yellow, definition.green_upper, definition.yellow_upper]));
    }
    if (!values.length) {
      return { min: 0, max: 1 };
    }
    var low = Math.min.apply(null, values);
    var high = Math.max.apply(null, values);
    var margin = (high - low) * 0.1 || Math.abs(high) * 0.1 || 1;
    return { min: low - margin, max: high + margin };
  }

  // Returns [from, to, colour, label] bands from the thresholds, following the KPI's direction.
  function thresholdBands(definition, range, labels) {
    var green = definition.green;
    var yellow = definition.yellow;
    if (typeof green !== "number") {
      return [];
    }
    if (definition.direction === "target_range") {
      var bands = [[range.min, range.max, BANDS.red, labels.red]];
      if (typeof yellow === "number") {
        bands.push([yellow, definition.yellow_upper, BANDS.yellow, labels.yellow]);
      }
      bands.push([green, definition.green_upper, BANDS.green, labels.green]);
      return bands;
    }
    var limit = typeof yellow === "number" ? yellow : green;
    if (definition.direction === "lower_is_better") {
      return [
        [range.min, green, BANDS.green, labels.green],
        [green, limit, BANDS.yellow, labels.yellow],
        [limit, range.max, BANDS.red, labels.red]
      ];
    }
    return [
      [green, range.max, BANDS.green, labels.green],
      [limit, green, BANDS.yellow, labels.yellow],
      [range.min, limit, BANDS.red, labels.red]
    ];
  }

  function draw() {
    var container = document.getElementById("kpi-chart");
    if (!container || typeof echarts === "undefined") {
      return;
    }
    var chart = readJson("kpi-chart-data");
    var definition = readJson("kpi-definition");
    var labels = readJson("kpi-chart-labels");
    var format = numberFormat();
    var points = chart.points;
    var range = axisRange(points, definition, chart.show_thresholds);
    var bands = chart.show_thresholds ? thresholdBands(definition, range, labels) : [];

    var instance = echarts.init(container, null, { renderer: "canvas" });
    instance.setOption({
      aria: { enabled: true },
      animation: false,
      grid: { left: 64, right: 24, top: 40, bottom: points.length > 24 ? 72 : 40 },
      legend: { top: 0, data: [labels.value, labels.target] },
      tooltip: {
        trigger: "axis",
        valueFormatter: function (value) {
          return typeof value === "number" ? format.format(value) : "—";
        }
      },
      xAxis: { type: "category", data: points.map(function (point) { return point.label; }) },
      yAxis: {
        type: "value", min: range.min, max: range.max, scale: true,
        axisLabel: { showMinLabel: false, showMaxLabel: false, formatter: function (value) { return format.format(value); } }
      },
      dataZoom: points.length > 24 ? [{ type: "slider", start: 100 - Math.min(100, 2400 / points.length), end: 100 }] : [],
      series: [
        {
          name: labels.value, type: "line", connectNulls: false, symbolSize: 7, z: 3,
          lineStyle: { width: 2, color: "#0550ae" }, itemStyle: { color: "#0550ae" },
          data: points.map(function (point) { return point.value; }),
          markArea: {
            silent: true,
            data: bands.map(function (band) {
              return [{ yAxis: band[0], itemStyle: { color: band[2] }, name: band[3] }, { yAxis: band[1] }];
            }),
            label: { position: "insideRight", color: "#57606a" }
          }
        },
        {
          name: labels.target, type: "line", step: "middle", symbol: "none", z: 2,
          lineStyle: { width: 2, type: "dashed", color: "#1f2328" }, itemStyle: { color: "#1f2328" },
          data: points.map(function (point) { return point.target; })
        }
      ]
    });
    window.hoshinKpiChart = instance;
    window.addEventListener("resize", function () { instance.resize(); });
    container.dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
