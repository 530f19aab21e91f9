// The staff panel dashboard's charts, drawn from the data blocks beside them (json_script):
// the tables next to each chart hold the same figures, so without JavaScript nothing is lost.
(function () {
  "use strict";

  // Okabe–Ito: told apart with every common colour-vision deficiency.
  const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
  // Low scores warm, high scores cool: a harsh reviewer's bar leans red.
  const SCALE = ["#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#e0e0e0", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061"];

  function read(id) {
    const block = document.getElementById(id);
    return block ? JSON.parse(block.textContent) : null;
  }

  function themed(name, fallback) {
    const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function scaleColours(count) {
    if (count <= 1) return [SCALE[SCALE.length - 2]];
    const colours = [];
    for (let i = 0; i < count; i += 1) {
      colours.push(SCALE[Math.round((i * (SCALE.length - 1)) / (count - 1))]);
    }
    return colours;
  }

  // A dashed vertical line at the deadline's day, with its label: no plug-in needed.
  function deadlineMarker(day, label, colour) {
    return {
      id: "lecternDeadline",
      afterDatasetsDraw(chart) {
        const index = chart.data.labels.indexOf(day);
        if (index < 0) return;
        const x = chart.scales.x.getPixelForValue(index);
        const area = chart.chartArea;
        const ctx = chart.ctx;
        ctx.save();
        ctx.strokeStyle = colour;
        ctx.fillStyle = colour;
        ctx.lineWidth = 2;
        ctx.setLineDash([6, 4]);
        ctx.beginPath();
        ctx.moveTo(x, area.top);
        ctx.lineTo(x, area.bottom);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.textAlign = x > area.right - 80 ? "right" : "left";
        ctx.fillText(label, x + (ctx.textAlign === "left" ? 4 : -4), area.top + 10);
        ctx.restore();
      },
    };
  }

  function submissions(Chart) {
    const figures = read("dash-submissions-data");
    const canvas = document.getElementById("dash-submissions-chart");
    if (!figures || !canvas) return;
    const text = themed("--body-fg", "#333");
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: figures.labels,
        datasets: [{ label: figures.label, data: figures.counts, backgroundColor: themed("--primary", "#417690") }],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { ticks: { color: text, maxRotation: 0, autoSkip: true, maxTicksLimit: 8 } },
          y: { beginAtZero: true, ticks: { precision: 0, color: text } },
        },
      },
      plugins: figures.deadline ? [deadlineMarker(figures.deadline, figures.deadline_label, themed("--error-fg", "#ba2121"))] : [],
    });
  }

  function tracks(Chart) {
    const figures = read("dash-tracks-data");
    const canvas = document.getElementById("dash-tracks-chart");
    if (!figures || !canvas) return;
    const text = themed("--body-fg", "#333");
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: figures.labels,
        datasets: figures.datasets.map((set, i) => ({
          label: set.label,
          data: set.counts,
          backgroundColor: PALETTE[i % PALETTE.length],
        })),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { labels: { color: text } } },
        scales: {
          x: { title: { display: true, text: figures.x_title, color: text }, ticks: { color: text } },
          y: { beginAtZero: true, title: { display: true, text: figures.y_title, color: text }, ticks: { precision: 0, color: text } },
        },
      },
    });
  }

  function reviewers(Chart) {
    const figures = read("dash-reviewers-data");
    const canvas = document.getElementById("dash-reviewers-chart");
    if (!figures || !canvas) return;
    const text = themed("--body-fg", "#333");
    // A bar per reviewer: the box grows with them, so that names stay readable.
    canvas.parentElement.style.height = `${Math.max(10, 2 * figures.labels.length + 6)}rem`;
    const colours = scaleColours(figures.datasets.length);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: figures.labels,
        datasets: figures.datasets.map((set, i) => ({ label: set.label, data: set.counts, backgroundColor: colours[i] })),
      },
      options: {
        indexAxis: "y",
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { labels: { color: text } } },
        scales: {
          x: { stacked: true, beginAtZero: true, title: { display: true, text: figures.x_title, color: text }, ticks: { precision: 0, color: text } },
          y: { stacked: true, ticks: { color: text } },
        },
      },
    });
  }

  function draw() {
    const Chart = window.Chart;
    if (typeof Chart === "undefined") return;
    submissions(Chart);
    tracks(Chart);
    reviewers(Chart);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
