// Network of actors and deployments (Cytoscape.js); every edge is a cited claim.
(function () {
  const box = document.getElementById("network");
  const detail = document.getElementById("detail");
  const colours = { deployment: "#0b5cad", organization: "#c0392b", person: "#7d3c98" };
  async function draw() {
    const params = new URLSearchParams(new FormData(document.getElementById("filters")));
    const data = await fetch(box.dataset.api + "?" + params).then(r => r.json());
    box.style.height = "70vh";
    const cy = cytoscape({
      container: box,
      elements: [
        ...data.nodes.map(n => ({ data: n })),
        ...data.edges.map((e, i) => ({ data: { id: "x" + i, ...e } })),
      ],
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": 9, "text-wrap": "ellipsis", "text-max-width": 120,
          "background-color": n => colours[n.data("kind")] || "#555", width: 14, height: 14 } },
        { selector: "edge", style: { width: 1.5, "curve-style": "bezier", "target-arrow-shape": "triangle",
          label: "data(predicate)", "font-size": 7, "line-style": e => e.data("certainty") === "alleged" || e.data("certainty") === "speculative" ? "dashed" : "solid" } },
      ],
      layout: { name: "cose", animate: false },
    });
    cy.on("tap", "node", ev => { window.location = ev.target.data("href"); });
    cy.on("tap", "edge", ev => {
      const e = ev.target.data();
      detail.textContent = `${e.predicate} (${e.certainty}): “${e.quote}”`;
    });
    box.dataset.nodes = String(cy.nodes().length);
  }
  document.getElementById("filters").addEventListener("submit", e => { e.preventDefault(); draw(); });
  draw();
})();
