// Draws every chart on the page from the ECharts option the server rendered next to it (json_script).
// The figures are always also in a table beside the chart, so a page without JavaScript loses nothing.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.echarts) return;
    var charts = [];
    document.querySelectorAll("[data-chart-option]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart-option"));
      if (!source) return;
      var option = JSON.parse(source.textContent);
      // A map series needs its map registered; where the map file is missing, keep the table alone.
      var needsMap = (option.series || []).some(function (s) { return s.type === "map" || s.map; });
      if (needsMap && !window.echarts.getMap("吉林")) { el.hidden = true; return; }
      // The canvas renderer: the SVG renderer writes style attributes, which the Content-Security-Policy blocks.
      var chart = window.echarts.init(el, null, { renderer: "canvas", locale: document.documentElement.lang === "en" ? "EN" : "ZH" });
      option.aria = option.aria || { enabled: true };
      chart.setOption(option);
      el.setAttribute("data-chart-ready", "true");
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
