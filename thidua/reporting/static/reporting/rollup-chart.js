// The roll-up page: a bar chart of one indicator across the units below (the row's figures).
(function () {
  "use strict";
  var chart = null;
  function show(button) {
    var row = button.closest("tr");
    var table = button.closest("table");
    var panel = document.getElementById("rollup-chart-panel");
    if (!row || !table || !panel || typeof Chart === "undefined") { return; }
    var labels = Array.from(table.querySelectorAll("thead th[data-unit-column]")).map(function (th) {
      return th.textContent.trim();
    });
    var values = Array.from(row.querySelectorAll("td[data-child]")).map(function (td) {
      return td.dataset.value === "" ? null : Number(td.dataset.value);
    });
    var name = row.querySelector(".rollup-name").firstChild.textContent.trim();
    var unit = button.dataset.unit || "";
    document.getElementById("rollup-chart-title").textContent = name + (unit ? " (" + unit + ")" : "");
    panel.hidden = false;
    if (chart) { chart.destroy(); }
    var lang = document.documentElement.lang || "vi";
    var fmt = new Intl.NumberFormat(lang === "en" ? "en-US" : "vi-VN", { maximumFractionDigits: 2 });
    chart = new Chart(document.getElementById("rollup-chart"), {
      type: "bar",
      data: { labels: labels, datasets: [{ label: name, data: values, backgroundColor: "#0d6efd" }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return fmt.format(v); } } } }
      }
    });
    panel.scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".rollup-chart-btn");
    if (button) { show(button); return; }
    if (event.target.closest("#rollup-chart-close")) {
      document.getElementById("rollup-chart-panel").hidden = true;
    }
  });
})();
