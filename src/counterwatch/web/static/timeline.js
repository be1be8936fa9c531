// Timeline of deployment starts and source publications (D3).
(function () {
  const box = document.getElementById("timeline");
  fetch(box.dataset.api).then(r => r.json()).then(events => {
    const parse = s => new Date(s.length === 4 ? s + "-01-01" : s.length === 7 ? s + "-01" : s);
    const rows = events.filter(e => !isNaN(parse(e.date)));
    const width = box.clientWidth || 900, rowH = 22, height = Math.max(80, rows.length * rowH + 40);
    const x = d3.scaleTime().domain(d3.extent(rows, e => parse(e.date))).nice().range([20, width - 260]);
    const svg = d3.select(box).append("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("width", "100%");
    svg.append("g").attr("transform", `translate(0,${height - 20})`).call(d3.axisBottom(x));
    const g = svg.selectAll("a").data(rows).join("a").attr("href", e => e.href);
    g.append("circle").attr("cx", e => x(parse(e.date))).attr("cy", (e, i) => 15 + i * rowH).attr("r", 5)
      .attr("fill", e => e.certainty ? "#0b5cad" : "#888");
    g.append("text").attr("x", e => x(parse(e.date)) + 9).attr("y", (e, i) => 19 + i * rowH)
      .attr("font-size", 11).text(e => `${e.date} ${e.label}`);
    box.dataset.events = String(rows.length);
  });
})();
