// Draws the dashboard's charts from the figures the page embeds (no further requests).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("charts-data").textContent);
  function bar(id, labels, datasets) {
    var canvas = document.getElementById(id);
    if (!canvas || typeof Chart === "undefined") { return; }
    new Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: { responsive: true, animation: false, plugins: { legend: { display: datasets.length > 1 } } }
    });
  }
  bar("performers-chart", data.performers.labels, [{ label: "bookings", data: data.performers.values }]);
  bar("money-chart", data.money.labels, [
    { label: "net", data: data.money.net },
    { label: "commission", data: data.money.commission }
  ]);
  // Heat map: shade each cell by its share of the busiest hour.
  var max = 0;
  data.hours.forEach(function (row) { row.forEach(function (n) { if (n > max) { max = n; } }); });
  document.querySelectorAll("#hours td[data-n]").forEach(function (td) {
    var n = Number(td.getAttribute("data-n"));
    if (max > 0 && n > 0) { td.style.background = "rgba(200, 30, 90, " + (0.15 + 0.85 * n / max) + ")"; }
  });
})();
