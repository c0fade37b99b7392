/* Charts of the scores pages: ECharts options come from the page's "chart-data" JSON
   (built on the server); every chart's numbers are also in a table on the page. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent || "{}");
  var options = data.charts || {};
  var instances = {};

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var name = el.getAttribute("data-chart");
    var option = options[name];
    if (!option) {
      el.classList.add("chart-empty");
      el.setAttribute("aria-hidden", "true");
      return;
    }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    instances[name] = chart;
  });

  // A select switches which unit the radar shows (data.radar_units[index]).
  document.querySelectorAll("[data-radar-select]").forEach(function (select) {
    select.addEventListener("change", function () {
      var chart = instances[select.getAttribute("data-radar-select")];
      var unit = (data.radar_units || [])[parseInt(select.value, 10)];
      if (!chart || !unit) { return; }
      chart.setOption({ series: [{ data: [{ name: unit.name, value: unit.value }] }] });
    });
  });

  var resizeTimer;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      Object.keys(instances).forEach(function (key) { instances[key].resize(); });
    }, 150);
  });
})();
