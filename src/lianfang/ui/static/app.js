// Lianfang dashboard: draws the charts described by the JSON the server embedded in #page-data.
// All data is inserted with ECharts (canvas) or textContent; nothing user-supplied becomes HTML.
(function () {
  "use strict";
  var holder = document.getElementById("page-data");
  if (!holder || typeof echarts === "undefined") { return; }
  var data = JSON.parse(holder.textContent);
  var charts = [];

  function make(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }

  function trend(id, d) {
    var c = make(id); if (!c || !d) { return; }
    c.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { data: d.series.map(function (s) { return s.name; }) },
      grid: { left: 40, right: 20, top: 30, bottom: 30 },
      xAxis: { type: "category", data: d.days },
      yAxis: { type: "value" },
      series: d.series.map(function (s) { return { name: s.name, type: "line", showSymbol: false, data: s.values }; })
    });
  }

  function pie(id, d) {
    var c = make(id); if (!c || !d) { return; }
    c.setOption({
      animation: false,
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "70%"], data: d }]
    });
  }

  function bars(id, d) {
    var c = make(id); if (!c || !d) { return; }
    c.setOption({
      animation: false,
      tooltip: {},
      grid: { left: 90, right: 20, top: 10, bottom: 20 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: d.map(function (x) { return x.name; }) },
      series: [{ type: "bar", data: d.map(function (x) { return x.value; }) }]
    });
  }

  function map(id, d) {
    var el = document.getElementById(id); if (!el || !d) { return; }
    fetch(d.geojson, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap("china", geo);
      var c = make(id);
      var max = Math.max.apply(null, [1].concat(d.values.map(function (v) { return v.value; })));
      c.setOption({
        animation: false,
        tooltip: { trigger: "item" },
        visualMap: { min: 0, max: max, left: "left", bottom: 10, calculable: true, inRange: { color: ["#fff5eb", "#d94801"] } },
        series: [{ name: d.name, type: "map", map: "china", roam: true, data: d.values }]
      });
      el.setAttribute("data-rendered", "1");
    });
  }

  function graph(id, d) {
    var c = make(id); if (!c || !d) { return; }
    var nodes = {}, links = {};
    function add(g) {
      g.nodes.forEach(function (n) { if (!nodes[n.id]) { nodes[n.id] = n; } });
      g.links.forEach(function (l) { links[l.source + "|" + l.target] = l; });
      draw();
    }
    function draw() {
      c.setOption({
        animation: false,
        tooltip: { formatter: function (p) { return p.dataType === "node" ? echarts.format.encodeHTML(p.data.title || p.data.name) : ""; } },
        legend: [{ data: d.categories.filter(function (k, i) {
          return Object.keys(nodes).some(function (id) { return nodes[id].category === i; });
        }).map(function (k) { return k.name; }) }],
        series: [{
          type: "graph", layout: "force", roam: true, draggable: true, top: 50,
          force: { repulsion: 260, edgeLength: [50, 110], gravity: 0.08 },
          categories: d.categories,
          label: { show: true, position: "right", formatter: "{b}" },
          data: Object.keys(nodes).map(function (k) { return nodes[k]; }),
          links: Object.keys(links).map(function (k) { return links[k]; })
        }]
      });
    }
    add(d);
    c.on("click", function (p) {
      if (p.dataType !== "node") { return; }
      if (p.data.expand) {
        fetch(d.expand_url + "?seed=" + encodeURIComponent(p.data.expand) + "&format=echarts",
              { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (g) { if (g) { add(g); c.getDom().setAttribute("data-expanded", p.data.expand); } });
      } else if (typeof p.data.href === "string" && p.data.href.indexOf("/ui/") === 0) {
        window.location.assign(p.data.href);
      }
    });
  }

  var draw = { trend: trend, category: pie, stage: bars, map: map, graph: graph, timeline: trend };
  Object.keys(data).forEach(function (key) {
    if (draw[key]) {
      draw[key]("chart-" + key, data[key]);
      // The map marks itself once its GeoJSON is registered; the others draw synchronously.
      var el = document.getElementById("chart-" + key);
      if (el && key !== "map") { el.setAttribute("data-rendered", "1"); }
    }
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
