// 企通 数据看板 and 大屏: draws the ECharts charts from the page's JSON (#qt-dashboard[data-url]).
// The numbers and tables are already on the page; the charts are an enhancement.
(() => {
  "use strict";
  // fallbacks for the Tabler colours, when the stylesheet's value cannot be read
  const FALLBACK = {
    blue: "#066fd1", indigo: "#4263eb", purple: "#ae3ec9", pink: "#d6336c", cyan: "#17a2b8", azure: "#4299e1",
    orange: "#f76707", teal: "#0ca678", lime: "#74b816", yellow: "#f59f00", green: "#2fb344", red: "#d63939",
    secondary: "#6c7a91", dark: "#182433",
  };
  const cache = {};

  // a Tabler colour name → an rgb() ECharts understands (the stylesheet uses oklch)
  function colour(name) {
    if (cache[name]) { return cache[name]; }
    let out = FALLBACK[name] || FALLBACK.secondary;
    const css = getComputedStyle(document.documentElement).getPropertyValue("--tblr-" + name).trim();
    if (css && !css.includes("var(")) {
      const c = document.createElement("canvas");
      c.width = c.height = 1;
      const g = c.getContext("2d");
      if (g) {
        g.fillStyle = "#000";
        g.fillStyle = css;
        g.fillRect(0, 0, 1, 1);
        const d = g.getImageData(0, 0, 1, 1).data;
        if (d[3] > 0 && (d[0] || d[1] || d[2] || name === "dark")) { out = `rgb(${d[0]},${d[1]},${d[2]})`; }
      }
    }
    cache[name] = out;
    return out;
  }

  const charts = [];
  function chart(id, option, dark) {
    const el = document.getElementById(id);
    if (!el || !window.echarts) { return; }
    let c = window.echarts.getInstanceByDom(el);
    if (!c) {
      c = window.echarts.init(el, dark ? "dark" : null, { renderer: "canvas" });
      charts.push(c);
    }
    c.setOption(Object.assign({ backgroundColor: "transparent", animation: !dark || charts.length < 20 }, option), true);
  }

  function gauge(g, dark) {
    const v = g.value === null ? 0 : g.value;
    const ok = g.met === null ? colour("secondary") : (g.met ? colour("green") : colour("red"));
    const track = dark ? "rgba(143,179,217,.18)" : "rgba(24,36,51,.08)";
    chart("gauge-" + g.key, {
      series: [{
        type: "gauge", min: 0, max: 100, radius: "95%", center: ["50%", "62%"], startAngle: 200, endAngle: -20,
        axisLine: { lineStyle: { width: 8, color: [[1, track]] } },
        progress: { show: true, width: 8, itemStyle: { color: ok } },
        pointer: { show: false }, axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false },
        title: { show: false },
        detail: { valueAnimation: false, offsetCenter: [0, "5%"], fontSize: 16, fontWeight: 600,
                  color: dark ? "#e6edf6" : ok, formatter: () => (g.value === null ? "—" : g.value.toFixed(1) + "%") },
        data: [{ value: v, name: g.label }],
      }],
    }, dark);
  }

  function units(id, rows, dark) {
    const top = rows.slice(0, 10).reverse();
    chart(id, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { data: ["办结", "在办", "超期"], top: 0 },
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: top.map((r) => r.name), axisLabel: { width: 110, overflow: "truncate" } },
      series: [
        { name: "办结", type: "bar", stack: "n", barMaxWidth: 22, data: top.map((r) => r.closed), itemStyle: { color: colour("green") } },
        { name: "在办", type: "bar", stack: "n", barMaxWidth: 22, data: top.map((r) => r.open - r.overdue_open), itemStyle: { color: colour("azure") } },
        { name: "超期", type: "bar", stack: "n", barMaxWidth: 22, data: top.map((r) => r.overdue_open), itemStyle: { color: colour("red") } },
      ],
    }, dark);
  }

  function pie(id, items, dark) {
    chart(id, {
      tooltip: { trigger: "item", formatter: "{b}：{c} 件（{d}%）" },
      legend: { type: "scroll", bottom: 0 },
      series: [{ type: "pie", radius: ["38%", "66%"], center: ["50%", "44%"], avoidLabelOverlap: true,
                 label: { show: false }, data: items }],
    }, dark);
  }

  function draw(data, dark) {
    data.gauges.forEach((g) => gauge(g, dark));
    const tr = data.trend;
    chart("chart-trend", {
      tooltip: { trigger: "axis" },
      legend: { data: ["新增", "办结", "满意率"], top: 0 },
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: tr.weeks.map((w) => w + " 周") },
      yAxis: [{ type: "value", name: "件", minInterval: 1 }, { type: "value", name: "%", min: 0, max: 100 }],
      series: [
        { name: "新增", type: "bar", barMaxWidth: 22, data: tr.submitted, itemStyle: { color: colour("blue") } },
        { name: "办结", type: "bar", barMaxWidth: 22, data: tr.closed, itemStyle: { color: colour("green") } },
        { name: "满意率", type: "line", yAxisIndex: 1, connectNulls: true, data: tr.satisfaction, itemStyle: { color: colour("orange") } },
      ],
    }, dark);
    pie("chart-status", data.statuses.map((s) => ({ name: s.label, value: s.count, itemStyle: { color: colour(s.colour) } })), dark);
    units("chart-department", data.by_department, dark);
    pie("chart-category", data.by_category.map((c) => ({ name: c.name, value: c.total })), dark);
    units("chart-region", data.by_region, dark);
    const rk = data.ranking.slice().reverse();
    chart("chart-ranking", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: { type: "category", data: rk.map((r) => r.rank + ". " + r.name), axisLabel: { width: 130, overflow: "truncate" } },
      series: [{ type: "bar", barMaxWidth: 18, data: rk.map((r) => ({ value: r.composite,
        itemStyle: { color: r.board === "red" ? colour("red") : r.board === "black" ? colour("secondary") : colour("blue") } })),
        label: { show: true, position: "right" } }],
    }, dark);
    document.documentElement.dataset.chartsReady = "1";
  }

  function load(root) {
    const dark = root.dataset.theme === "dark";
    return fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))))
      .then((data) => {
        draw(data, dark);
        root.querySelectorAll("[data-total]").forEach((el) => {
          const v = data.totals[el.dataset.total];
          if (v !== undefined) { el.textContent = v; }
        });
        const stamp = document.getElementById("screen-updated");
        if (stamp && root.dataset.refreshed) { stamp.textContent = new Date().toLocaleString("zh-CN", { hour12: false }); }
        root.dataset.refreshed = "1";
      })
      .catch(() => { root.classList.add("qt-charts-failed"); });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.getElementById("qt-dashboard");
    if (!root || !root.dataset.url) { return; }
    load(root);
    const every = parseInt(root.dataset.refresh || "0", 10);
    if (every > 0) { setInterval(() => load(root), every * 1000); }
    window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
    const fs = document.getElementById("screen-fullscreen");
    if (fs) {
      fs.addEventListener("click", () => {
        if (document.fullscreenElement) { document.exitFullscreen(); } else { document.documentElement.requestFullscreen(); }
      });
    }
  });
})();
