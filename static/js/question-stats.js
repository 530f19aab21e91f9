// The question statistics page's chart, drawn from its data block (json_script): the table
// beside it holds the same figures, so without JavaScript nothing is missing.
(function () {
  "use strict";

  function draw() {
    const data = document.getElementById("question-stats-data");
    const canvas = document.getElementById("question-stats-chart");
    if (!data || !canvas || typeof window.Chart === "undefined") return;
    const figures = JSON.parse(data.textContent);
    const styles = getComputedStyle(document.documentElement);
    const colour = styles.getPropertyValue("--primary").trim() || "#417690";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: figures.labels,
        datasets: [{ label: figures.label, data: figures.counts, backgroundColor: colour }],
      },
      options: {
        indexAxis: figures.labels.length > 6 ? "y" : "x",
        animation: false,
        plugins: { legend: { display: false } },
        scales: { x: { ticks: { precision: 0 } }, y: { ticks: { precision: 0 } } },
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
