// Confirmed oversight violations per month on the portal (data from the published content).
document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("oversight-data");
  const canvas = document.getElementById("oversight-chart");
  if (!data || !canvas || !window.Chart) return;
  const chart = JSON.parse(data.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: { labels: chart.labels, datasets: [{ data: chart.values, backgroundColor: "#b02a37" }] },
    options: {
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
});
