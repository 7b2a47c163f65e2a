// Draws each dashboard chart from its JSON (json_script) with the vendored Chart.js.
// Numbers in tooltips and axes the Vietnamese way (1.234.567,5) unless the page is in English.
(function () {
  "use strict";
  function draw() {
    if (typeof Chart === "undefined") { return; }
    var lang = document.documentElement.lang || "vi";
    var fmt = new Intl.NumberFormat(lang === "en" ? "en-US" : "vi-VN", { maximumFractionDigits: 2 });
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      var round = spec.type === "doughnut";
      var options = {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { position: "bottom", display: round || spec.data.datasets.length > 1 },
          tooltip: { callbacks: { label: function (ctx) {
            var v = round ? ctx.parsed : (ctx.parsed.y === undefined ? ctx.parsed : ctx.parsed.y);
            return (ctx.dataset.label || "") + ": " + (v === null ? "—" : fmt.format(v)) + " " + spec.unit;
          } } }
        }
      };
      if (!round) {
        options.scales = {
          x: { stacked: spec.stacked },
          y: { stacked: spec.stacked, beginAtZero: true, ticks: { callback: function (v) { return fmt.format(v); } },
               title: { display: true, text: spec.unit } }
        };
      }
      new Chart(canvas, { type: spec.type, data: spec.data, options: options });
      canvas.dataset.drawn = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
  window.addEventListener("beforeprint", function () {
    Object.values(Chart.instances || {}).forEach(function (c) { c.resize(); });
  });
})();
