// Choropleth of deployments per country, drawn offline from world-atlas shapes (Natural Earth).
(function () {
  const box = document.getElementById("map");
  const detail = document.getElementById("detail");
  async function draw() {
    const params = new URLSearchParams(new FormData(document.getElementById("filters")));
    const [world, rows] = await Promise.all([
      fetch("/static/vendor/countries-110m.json").then(r => r.json()),
      fetch(box.dataset.api + "?" + params).then(r => r.json()),
    ]);
    const byNumeric = new Map(rows.map(r => [String(r.numeric), r]));
    const width = box.clientWidth || 900, height = Math.round(width * 0.5);
    box.replaceChildren();
    const svg = d3.select(box).append("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("width", "100%");
    const projection = d3.geoNaturalEarth1().fitSize([width, height], { type: "Sphere" });
    const path = d3.geoPath(projection);
    const max = d3.max(rows, r => r.count) || 1;
    const colour = d3.scaleSequential(d3.interpolateOrRd).domain([0, max]);
    const countries = topojson.feature(world, world.objects.countries).features;
    svg.append("g").selectAll("path").data(countries).join("path")
      .attr("class", "country").attr("d", path)
      .attr("fill", f => byNumeric.has(f.id) ? colour(byNumeric.get(f.id).count) : "#eef1f5")
      .attr("stroke", "#fff").attr("tabindex", f => byNumeric.has(f.id) ? 0 : null)
      .on("click keydown", (event, f) => {
        const row = byNumeric.get(f.id);
        if (!row) return;
        detail.replaceChildren();
        const h = document.createElement("strong");
        h.textContent = `${row.name}: ${row.count} deployment(s)`;
        detail.append(h);
        const ul = document.createElement("ul");
        for (const d of row.deployments) {
          const li = document.createElement("li"), a = document.createElement("a");
          a.href = `/deployments/${d.id}`; a.textContent = d.name; li.append(a); ul.append(li);
        }
        detail.append(ul);
      })
      .append("title").text(f => byNumeric.has(f.id) ? `${byNumeric.get(f.id).name}: ${byNumeric.get(f.id).count}` : "");
    box.dataset.ready = String(countries.length);
  }
  document.getElementById("filters").addEventListener("submit", e => { e.preventDefault(); draw(); });
  draw();
})();
