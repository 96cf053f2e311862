// Dashboard charts with Chart.js (served by the app at /vendor/chart.umd.min.js). Data comes from each
// canvas's data-chart attribute; the same numbers are in the table under each chart.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof window.Chart === "undefined") return;
  var Chart = window.Chart;
  var palette = ["#8b1a1a", "#1b4f8a", "#1c6b36", "#b8860b", "#6a3d9a", "#2f7f86", "#a34f1c", "#5b6776", "#c2185b", "#33691e"];
  var nf = new Intl.NumberFormat("vi-VN");
  function wrap(text, width) {
    var lines = [];
    var line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    lines.push(line);
    return lines.length > 1 ? lines : text;
  }
  Chart.defaults.font.family = '"Tinos", "Times New Roman", serif';
  Chart.defaults.color = "#1d2733";
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var series = JSON.parse(canvas.getAttribute("data-chart"));
    var type = canvas.getAttribute("data-type");
    var horizontal = type === "hbar";
    // Long category names wrap onto several lines instead of being cut off on phones.
    var labels = series.labels.map(function (l) { return horizontal ? wrap(l, 22) : l; });
    if (horizontal) {
      // One bar per label: let the box grow with the number of labels (CSSOM, allowed by the CSP).
      canvas.parentElement.style.height = Math.max(200, 40 + series.labels.length * 34) + "px";
    }
    var doughnut = type === "doughnut";
    var datasets = series.datasets.map(function (d, i) {
      return {
        label: d.label,
        data: d.data,
        backgroundColor: doughnut ? ["#1c6b36", "#d6dce3"] : palette[i % palette.length],
        borderWidth: doughnut ? 1 : 0,
      };
    });
    var chart = new Chart(canvas, {
      type: doughnut ? "doughnut" : "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: horizontal ? "y" : "x",
        plugins: {
          legend: { display: doughnut || datasets.length > 1, position: "bottom" },
          tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + nf.format(ctx.raw); } } },
        },
        scales: doughnut ? {} : {
          x: { stacked: !horizontal, beginAtZero: true, ticks: { precision: 0 } },
          y: { stacked: !horizontal, beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
    canvas.setAttribute("data-drawn", "1");
    canvas.chart = chart;
  });
});
