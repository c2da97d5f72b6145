/* Draws the strategy app's charts: each <canvas data-chart="ID"> reads its spec from the
   json_script element with that id. Date axes are linear in milliseconds (no date adapter). */
(function () {
  "use strict";
  var COLOURS = {
    primary: "#0059b3",
    secondary: "#b35900",
    tertiary: "#2e7d32",
    measured: "#0059b3",
    target: "#b00020",
    forecast: "#6a1b9a"
  };
  // Distinct lines for "one line per group" charts, readable on white.
  var PALETTE = ["#0059b3", "#b35900", "#2e7d32", "#6a1b9a", "#b00020", "#00695c", "#4e342e", "#37474f"];
  var lang = document.documentElement.lang || "en";

  function toMs(value) { return Date.parse(value + "T00:00:00Z"); }
  function formatDate(ms) {
    return new Date(ms).toLocaleDateString(lang, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  }

  function dataset(spec, series) {
    var colour = series.role === "palette"
      ? PALETTE[(series.index || 0) % PALETTE.length]
      : COLOURS[series.role] || COLOURS.primary;
    var data = spec.x === "date"
      ? series.data.map(function (p) { return { x: toMs(p.x), y: p.y }; })
      : series.data;
    var result = {
      label: series.label,
      data: data,
      borderColor: colour,
      backgroundColor: spec.type === "bar" ? colour : colour + "33",
      borderWidth: 2,
      pointRadius: spec.type === "line" && series.role === "measured" && series.data.length <= 40 ? 3 : 0,
      yAxisID: series.axis === "y2" ? "y2" : "y"
    };
    if (series.role === "target") { result.borderDash = [8, 4]; }
    if (series.role === "forecast") { result.borderDash = [3, 3]; }
    if (spec.type === "line" && spec.x === "category") { result.pointRadius = 3; result.spanGaps = true; }
    return result;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    var scales = {
      y: { beginAtZero: true, title: { display: !!spec.yLabel, text: spec.yLabel }, stacked: !!spec.stacked }
    };
    if (spec.integer) { scales.y.ticks = { precision: 0 }; }
    if (spec.y2Label) {
      scales.y2 = { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: spec.y2Label } };
    }
    if (spec.x === "date") {
      scales.x = {
        type: "linear",
        min: toMs(spec.min),
        max: toMs(spec.max),
        ticks: { callback: formatDate, maxTicksLimit: 8 }
      };
    } else {
      scales.x = { stacked: !!spec.stacked, ticks: { autoSkip: true, maxRotation: 60 } };
    }
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels || [], datasets: spec.datasets.map(function (s) { return dataset(spec, s); }) },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "nearest", intersect: false },
        scales: scales,
        plugins: {
          legend: { position: "bottom" },
          tooltip: spec.x === "date" ? { callbacks: { title: function (items) { return formatDate(items[0].parsed.x); } } } : {}
        }
      }
    });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(); });
  } else {
    drawAll();
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) { window.print(); }
  });
})();
