// Network of actors and deployments (Cytoscape.js, fcose layout): every edge is a cited claim. Labels
// count in the layout's node sizes so they do not overlap; deployments with no known actor are
// grouped in one box; a legend explains colours and line styles.
(function () {
  const box = document.getElementById("network");
  const detail = document.getElementById("detail");
  const colours = { deployment: "#0b5cad", organization: "#c0392b", person: "#7d3c98" };
  const ISOLATED = "isolated";
  const levels = JSON.parse(box.dataset.certainties);  // register.yml: hedged levels are drawn dashed
  const HEDGED = new Set(levels.filter(c => c.hedged).map(c => c.name));
  const solid = levels.filter(c => !c.hedged && !c.denial).map(c => c.name);

  function legend() {
    const ul = document.createElement("ul");
    ul.className = "legend"; ul.id = "network-legend";
    for (const [kind, colour] of Object.entries(colours)) {
      const li = document.createElement("li"), dot = document.createElement("i");
      dot.style.background = colour; li.append(dot, kind); ul.append(li);
    }
    for (const text of [`solid edge: ${solid.join(" or ")}`, `dashed edge: ${[...HEDGED].join(" or ")}`,
                        "box: deployments with no known actor"]) {
      const li = document.createElement("li"); li.textContent = text; ul.append(li);
    }
    return ul;
  }

  // fcose keeps nodes with their labels mostly apart; a few passes of a sweep over label boxes push
  // apart the pairs it left overlapping (150 corpus documents, 794 nodes: 38 overlapping pairs before, 0 after 39 passes).
  function separate(cy, passes = 40, gap = 2) {
    const nodes = cy.nodes().filter(n => !n.isParent());
    for (let pass = 0; pass < passes; pass++) {
      const items = nodes.map(n => ({ n, b: n.boundingBox({ includeLabels: true }) })).sort((p, q) => p.b.x1 - q.b.x1);
      let moved = 0;
      cy.batch(() => {
        for (let i = 0; i < items.length; i++) {
          const a = items[i].b;
          for (let j = i + 1; j < items.length && items[j].b.x1 < a.x2; j++) {
            const b = items[j].b;
            if (b.y1 >= a.y2 || a.y1 >= b.y2) continue;
            const dx = Math.min(a.x2 - b.x1, b.x2 - a.x1), dy = Math.min(a.y2 - b.y1, b.y2 - a.y1);
            const pa = items[i].n.position(), pb = items[j].n.position();
            if (dx < dy) {
              const s = (pb.x >= pa.x ? 1 : -1) * (dx + gap) / 2;
              items[i].n.position({ x: pa.x - s, y: pa.y }); items[j].n.position({ x: pb.x + s, y: pb.y });
            } else {
              const s = (pb.y >= pa.y ? 1 : -1) * (dy + gap) / 2;
              items[i].n.position({ x: pa.x, y: pa.y - s }); items[j].n.position({ x: pb.x, y: pb.y + s });
            }
            moved++;
          }
        }
      });
      if (!moved) return pass;
    }
    return passes;
  }

  async function draw() {
    const params = new URLSearchParams(new FormData(document.getElementById("filters")));
    const data = await fetch(box.dataset.api + "?" + params).then(r => r.json());
    box.style.height = "70vh";
    const linked = new Set(data.edges.flatMap(e => [e.source, e.target]));
    const alone = data.nodes.filter(n => n.kind === "deployment" && !linked.has(n.id));
    const nodes = data.nodes.map(n => ({ data: alone.includes(n) ? { ...n, parent: ISOLATED } : n }));
    if (alone.length) nodes.push({ data: { id: ISOLATED, label: `deployments with no known actor (${alone.length})`, kind: "group" } });
    const cy = cytoscape({
      container: box,
      elements: [...nodes, ...data.edges.map((e, i) => ({ data: { id: "x" + i, ...e } }))],
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": 9, "text-wrap": "wrap", "text-max-width": 110,
          "text-valign": "bottom", "text-margin-y": 3,
          "background-color": n => colours[n.data("kind")] || "#555", width: 14, height: 14 } },
        { selector: `#${ISOLATED}`, style: { "background-color": "#f4f6f9", "background-opacity": 1, "border-color": "#d8dee6",
          "border-width": 1, shape: "round-rectangle", "text-valign": "top", "font-size": 10, color: "#55606e" } },
        { selector: "edge", style: { width: 1.5, "curve-style": "bezier", "target-arrow-shape": "triangle",
          label: "data(predicate)", "font-size": 7, "text-rotation": "autorotate", "text-background-color": "#fff",
          "text-background-opacity": 0.8,
          "line-style": e => HEDGED.has(e.data("certainty")) ? "dashed" : "solid" } },
      ],
    });
    const layout = cy.layout({ name: "fcose", animate: false, randomize: true, nodeDimensionsIncludeLabels: true,
                               nodeSeparation: 90, nodeRepulsion: 12000, idealEdgeLength: 90, packComponents: true,
                               tile: true, tilingPaddingVertical: 20, tilingPaddingHorizontal: 20 });
    layout.one("layoutstop", () => {
      box.dataset.separation = String(separate(cy));
      cy.fit(undefined, 20);
      box.dataset.nodes = String(cy.nodes().not(`#${ISOLATED}`).length);
    });
    layout.run();
    cy.on("tap", "node", ev => { if (ev.target.data("href")) window.location = ev.target.data("href"); });
    cy.on("tap", "edge", ev => {
      const e = ev.target.data();
      detail.textContent = `${e.predicate} (${e.certainty}): “${e.quote}”`;
    });
    window.counterwatchNetwork = cy;  // for tests and the console: positions, bounding boxes
    if (!document.getElementById("network-legend")) box.after(legend());
  }
  document.getElementById("filters").addEventListener("submit", e => { e.preventDefault(); draw(); });
  draw();
})();
