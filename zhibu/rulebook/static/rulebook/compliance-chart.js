/* The compliance-by-month chart on the board. The numbers come from the page
   ({{ chart|json_script:"compliance-chart-data" }}) and are also shown as a table beside it;
   nothing inline, so the CSP (script-src 'self', style-src 'self') holds. */
(function () {
  "use strict";

  function colour(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw() {
    var source = document.getElementById("compliance-chart-data");
    var canvas = document.getElementById("compliance-chart");
    if (!source || !canvas || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var colours = {
      ok: colour("--ok", "#17703a"),
      due: colour("--warn-line", "#e9c46a"),
      missing: colour("--danger", "#b3380b")
    };
    var text = colour("--text-muted", "#5b626c");
    // Chart.js sizes the canvas from its container; a positioned container lets it follow
    // resizes. Set through the CSSOM, which the CSP allows (unlike a style attribute).
    canvas.parentNode.style.position = "relative";
    var narrow = window.matchMedia("(max-width: 639.98px)").matches;
    // The same numbers as a table: open beside the chart at a desk, one tap away on a phone.
    var table = document.getElementById("compliance-table");
    if (table && !narrow) table.open = true;
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s) {
          return { label: s.label, data: s.data, backgroundColor: colours[s.key], stack: "periods" };
        })
      },
      options: {
        animation: false,
        responsive: true,
        aspectRatio: narrow ? 1.2 : 2.8,
        plugins: { legend: { position: "bottom", labels: { color: text } } },
        scales: {
          x: { stacked: true, title: { display: true, text: "月份", color: text }, ticks: { color: text } },
          y: {
            stacked: true,
            beginAtZero: true,
            title: { display: true, text: "到期的考核期（个）", color: text },
            ticks: { color: text, precision: 0 }
          }
        }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
