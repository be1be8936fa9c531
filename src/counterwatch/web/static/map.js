// Map of deployments: a point per located deployment (clustered with supercluster when dense, coloured
// by certainty, each a link to its record) over a layer of countries shaded by their number of
// deployments (world-atlas shapes, Natural Earth). Drawn offline with D3; wheel or drag to zoom.
(function () {
  const box = document.getElementById("map");
  const detail = document.getElementById("detail");
  const CERTAINTY = Object.fromEntries(JSON.parse(box.dataset.certainties).map(c => [c.name, c.colour]));  // register.yml
  const colourOf = c => CERTAINTY[c] || "#555";

  function legend() {
    const ul = document.createElement("ul");
    ul.className = "legend"; ul.id = "map-legend";
    for (const [name, colour] of Object.entries(CERTAINTY)) {
      const li = document.createElement("li"), dot = document.createElement("i");
      dot.style.background = colour; li.append(dot, name); ul.append(li);
    }
    const li = document.createElement("li");
    li.textContent = "a number: a cluster of deployments (click to zoom in)";
    ul.append(li);
    return ul;
  }

  function listCountry(row) {
    detail.replaceChildren();
    const h = document.createElement("strong");
    h.textContent = `${row.name}: ${row.count} deployment(s)`;
    const ul = document.createElement("ul");
    for (const d of row.deployments) {
      const li = document.createElement("li"), a = document.createElement("a");
      a.href = `/deployments/${d.id}`; a.textContent = d.name; li.append(a); ul.append(li);
    }
    detail.append(h, ul);
  }

  async function draw() {
    const params = new URLSearchParams(new FormData(document.getElementById("filters")));
    const shading = params.get("shading") !== null;
    params.delete("shading");
    const [world, rows, points] = await Promise.all([
      fetch("/static/vendor/countries-110m.json").then(r => r.json()),
      fetch(box.dataset.api + "?" + params).then(r => r.json()),
      fetch(box.dataset.api + "/points?" + params).then(r => r.json()),
    ]);
    const byNumeric = new Map(rows.map(r => [String(r.numeric), r]));
    const width = box.clientWidth || 900, height = Math.round(width * 0.5);
    box.replaceChildren();
    const svg = d3.select(box).append("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("width", "100%");
    const projection = d3.geoNaturalEarth1().fitSize([width, height], { type: "Sphere" });
    const path = d3.geoPath(projection);
    const max = d3.max(rows, r => r.count) || 1;
    const shade = d3.scaleSequential(d3.interpolateGreys).domain([-0.2 * max, 1.6 * max]);  // neutral under the certainty colours
    const countries = topojson.feature(world, world.objects.countries).features;
    const land = svg.append("g").attr("class", "countries");
    land.selectAll("path").data(countries).join("path")
      .attr("class", "country").attr("d", path)
      .attr("fill", f => shading && byNumeric.has(f.id) ? shade(byNumeric.get(f.id).count) : "#eef1f5")
      .attr("stroke", "#fff").attr("tabindex", f => byNumeric.has(f.id) ? 0 : null)
      .on("click keydown", (event, f) => { if (byNumeric.has(f.id)) listCountry(byNumeric.get(f.id)); })
      .append("title").text(f => byNumeric.has(f.id) ? `${byNumeric.get(f.id).name}: ${byNumeric.get(f.id).count}` : "");
    const index = new Supercluster({
      radius: 28, maxZoom: 12,
      map: p => ({ [p.certainty || "unknown"]: 1 }),
      reduce: (acc, p) => { for (const k in p) acc[k] = (acc[k] || 0) + p[k]; },
    }).load(points.map(p => ({ type: "Feature", properties: p, geometry: { type: "Point", coordinates: [p.lon, p.lat] } })));
    const dots = svg.append("g").attr("class", "points");
    let transform = d3.zoomIdentity;

    function place() {
      const zoom = Math.max(0, Math.round(Math.log2(transform.k * width / 256)));
      const shown = index.getClusters([-180, -85, 180, 85], zoom);
      dots.selectAll("*").remove();
      for (const f of shown) {
        const [x, y] = transform.apply(projection(f.geometry.coordinates));
        const p = f.properties;
        if (p.cluster) {
          const counts = Object.entries(p).filter(([k]) => k in CERTAINTY || k === "unknown");
          const main = counts.sort((a, b) => b[1] - a[1])[0]?.[0];
          const g = dots.append("g").attr("class", "cluster").attr("tabindex", 0)
            .attr("transform", `translate(${x},${y})`).attr("data-count", p.point_count)
            .on("click keydown", () => {
              const to = Math.min(index.getClusterExpansionZoom(p.cluster_id), 12);
              const k = Math.pow(2, to) * 256 / width;
              svg.transition().duration(300).call(zoomer.transform,
                d3.zoomIdentity.translate(width / 2, height / 2).scale(k).translate(...projection(f.geometry.coordinates).map(v => -v)));
            });
          g.append("circle").attr("r", 9 + Math.min(12, Math.sqrt(p.point_count) * 2)).attr("fill", colourOf(main))
            .attr("fill-opacity", 0.8).attr("stroke", "#fff");
          g.append("text").attr("text-anchor", "middle").attr("dy", "0.35em").attr("fill", "#fff")
            .attr("font-size", 11).text(p.point_count);
          g.append("title").text(`${p.point_count} deployments: click to zoom in`);
        } else {
          const a = dots.append("a").attr("class", "point").attr("href", p.href).attr("data-certainty", p.certainty || "");
          a.append("circle").attr("cx", x).attr("cy", y).attr("r", 6).attr("fill", colourOf(p.certainty)).attr("stroke", "#fff");
          a.append("title").text(`${p.name} — ${p.place} (${p.certainty || "certainty unknown"})`);
        }
      }
      box.dataset.points = String(points.length);
      box.dataset.zoom = String(zoom);
    }
    const zoomer = d3.zoom().scaleExtent([1, 64]).on("zoom", event => {
      transform = event.transform;
      land.attr("transform", transform);
      land.selectAll("path").attr("stroke-width", 1 / transform.k);
      place();
    });
    svg.call(zoomer);
    place();
    box.after(legend());
    box.dataset.ready = String(countries.length);
  }
  document.getElementById("filters").addEventListener("submit", e => {
    e.preventDefault();
    document.getElementById("map-legend")?.remove();
    draw();
  });
  draw();
})();
