// Timeline (D3): one lane per program, its events (start, contract, suspension, end, denial) from its
// claims, each a link to the program's record with the quote as its tooltip.
(function () {
  const box = document.getElementById("timeline");
  const KINDS = { start: "#1e8449", contract: "#0b5cad", suspension: "#d68910", end: "#555", denial: "#c0392b" };
  fetch(box.dataset.api).then(r => r.json()).then(events => {
    const parse = s => new Date(s.length === 4 ? s + "-01-01" : s.length === 7 ? s + "-01" : s);
    const rows = events.filter(e => !isNaN(parse(e.date)));
    const programs = [...new Map(rows.map(e => [e.program_id, e])).values()];
    const lane = new Map(programs.map((p, i) => [p.program_id, i]));
    const width = box.clientWidth || 900, rowH = 26, left = 260, top = 10;
    const height = Math.max(80, programs.length * rowH + 50);
    const x = d3.scaleTime().domain(d3.extent(rows, e => parse(e.date))).nice().range([left, width - 30]);
    box.replaceChildren();
    const svg = d3.select(box).append("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("width", "100%");
    svg.append("g").attr("transform", `translate(0,${height - 30})`).call(d3.axisBottom(x));
    const lanes = svg.append("g").selectAll("g").data(programs).join("g").attr("class", "program")
      .attr("transform", p => `translate(0,${top + lane.get(p.program_id) * rowH})`);
    lanes.append("line").attr("x1", left).attr("x2", width - 30).attr("y1", rowH / 2).attr("y2", rowH / 2)
      .attr("stroke", "#d8dee6");
    lanes.append("a").attr("href", p => p.href).append("text").attr("x", left - 8).attr("y", rowH / 2 + 4)
      .attr("text-anchor", "end").attr("font-size", 11).text(p => p.program.length > 38 ? p.program.slice(0, 37) + "…" : p.program);
    const marks = svg.append("g").selectAll("a").data(rows).join("a").attr("class", "event").attr("href", e => e.href)
      .attr("data-event", e => e.event);
    marks.append("circle").attr("cx", e => x(parse(e.date))).attr("cy", e => top + lane.get(e.program_id) * rowH + rowH / 2)
      .attr("r", 6).attr("fill", e => KINDS[e.event] || "#888").attr("stroke", "#fff");
    marks.append("title").text(e => `${e.date} ${e.event} (${e.certainty}): “${e.quote}”`);
    const ul = document.createElement("ul");
    ul.className = "legend";
    for (const [kind, colour] of Object.entries(KINDS)) {
      const li = document.createElement("li"), dot = document.createElement("i");
      dot.style.background = colour; li.append(dot, kind); ul.append(li);
    }
    box.after(ul);
    box.dataset.events = String(rows.length);
    box.dataset.programs = String(programs.length);
  });
})();
