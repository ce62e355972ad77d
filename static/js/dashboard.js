// The dashboard's charts (templates/monitoring/dashboard.html), drawn with the vendored Apache ECharts from the JSON
// the server put in the page (json_script "dashboard-charts"). Each element with data-chart="<key>" gets the chart
// of that key. A bar with a URL (built by the server) opens it when clicked; the script makes up no link of its own.
(function () {
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof echarts === "undefined") {
    return; // the tables under the charts carry the same numbers and links
  }
  var charts = JSON.parse(source.textContent);
  var drawn = [];

  function height(config) {
    // Horizontal bars grow with their categories (22 industry fields); time series keep one height.
    return config.horizontal ? Math.max(160, 32 * config.categories.length + 48) : 300;
  }

  function tooltip(points) {
    // The tooltip as elements, not ECharts' default markup: that markup carries style attributes, which the
    // Content-Security-Policy refuses. Colours set through element.style are allowed.
    var box = document.createElement("div");
    var title = document.createElement("div");
    title.className = "chart-tooltip-title";
    title.textContent = points[0].axisValueLabel;
    box.appendChild(title);
    points.forEach(function (point) {
      var row = document.createElement("div");
      var swatch = document.createElement("span");
      swatch.className = "chart-tooltip-swatch";
      swatch.style.backgroundColor = point.color;
      row.append(swatch, (points.length > 1 ? point.seriesName + "：" : "") + point.value);
      box.appendChild(row);
    });
    return box;
  }

  function option(config) {
    var categories = { type: "category", data: config.categories, axisLabel: { interval: 0 } };
    var counts = { type: "value", minInterval: 1 };
    var several = config.series.length > 1;
    if (config.horizontal) {
      categories.inverse = true; // the first category on top, as in the table below
    } else if (config.categories.length > 12) {
      categories.axisLabel = { rotate: 45 };
    }
    return {
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: tooltip },
      legend: several ? { top: 0 } : { show: false },
      grid: { containLabel: true, left: 8, right: 32, top: several ? 32 : 8, bottom: 8 },
      xAxis: config.horizontal ? counts : categories,
      yAxis: config.horizontal ? categories : counts,
      series: config.series.map(function (series) {
        return {
          type: "bar",
          name: series.name,
          data: series.data,
          stack: config.stacked ? "total" : undefined,
          barMaxWidth: 40,
          cursor: series.urls ? "pointer" : "default",
          label: { show: !config.stacked && !several, position: config.horizontal ? "right" : "top" },
        };
      }),
    };
  }

  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var config = charts[element.dataset.chart];
    if (!config) {
      return;
    }
    element.style.height = height(config) + "px";
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option(config));
    chart.on("click", function (params) {
      var urls = config.series[params.seriesIndex].urls;
      var url = urls && urls[params.dataIndex];
      if (url) {
        window.location.assign(url);
      }
    });
    drawn.push(chart);
  });

  window.addEventListener("resize", function () {
    drawn.forEach(function (chart) {
      chart.resize();
    });
  });
})();
