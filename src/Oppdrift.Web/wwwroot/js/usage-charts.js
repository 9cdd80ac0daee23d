// Draws the usage pages' line charts with Apache ECharts. Each chart is a <div data-chart="{json}"> that is hidden
// from assistive technology and followed by a table of the same figures; without JavaScript the tables remain.
// ECharts is loaded only when a page has a chart, and charts are drawn again after Blazor's enhanced navigation.
(() => {
  let loading = null;

  function loadECharts(src) {
    if (window.echarts) {
      return Promise.resolve(window.echarts);
    }
    loading ??= new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => resolve(window.echarts);
      script.onerror = reject;
      document.head.appendChild(script);
    });
    return loading;
  }

  function draw(element, echarts) {
    const data = JSON.parse(element.dataset.chart);
    const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    const chart = echarts.getInstanceByDom(element) ?? echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: !reduceMotion,
      aria: { enabled: false },
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 16, right: 24, top: 40, bottom: 24, containLabel: true },
      xAxis: { type: "category", data: data.dates, boundaryGap: false },
      yAxis: { type: "value", name: data.unit || "", nameTextStyle: { align: "left" } },
      // Hidden (suppressed) days are null: the line breaks there rather than guessing. A series may ask to be connected
      // (a benefit's measurements and planned path), where null only marks a date another series has.
      series: data.series.map((s) => ({ name: s.name, type: "line", data: s.values, showSymbol: data.dates.length < 40, connectNulls: s.connect === true })),
    }, true);
    // The canvas says nothing to a screen reader; the table after it does.
    element.querySelectorAll("canvas").forEach((canvas) => canvas.setAttribute("aria-hidden", "true"));
  }

  function drawAll() {
    const elements = document.querySelectorAll("[data-chart]");
    if (elements.length === 0) {
      return;
    }
    loadECharts(elements[0].dataset.echarts).then((echarts) => {
      elements.forEach((element) => draw(element, echarts));
    });
  }

  window.addEventListener("resize", () => {
    if (window.echarts) {
      document.querySelectorAll("[data-chart]").forEach((element) => window.echarts.getInstanceByDom(element)?.resize());
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  if (window.Blazor?.addEventListener) {
    window.Blazor.addEventListener("enhancedload", drawAll);
  } else {
    document.addEventListener("DOMContentLoaded", () => window.Blazor?.addEventListener?.("enhancedload", drawAll));
  }
})();
