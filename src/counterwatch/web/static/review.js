// Review queue by keyboard: j/k move, a accepts, r and e open the reason / value input (Enter sends).
(function () {
  const queue = document.getElementById("queue");
  const status = document.getElementById("queue-status");
  const rows = Array.from(queue.querySelectorAll("li[data-claim]"));
  if (!rows.length) return;
  let at = 0;
  function select(i) {
    at = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((r, n) => r.classList.toggle("current", n === at));
    rows[at].scrollIntoView({ block: "nearest" });
  }
  async function send(row, body) {
    const r = await fetch(`/api/claims/${row.dataset.claim}/review`, {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": queue.dataset.csrf },
      body: JSON.stringify(body),
    });
    const answer = await r.json();
    if (!r.ok) { status.textContent = answer.detail; return; }
    const step = answer.history[answer.history.length - 1];
    row.querySelector("[data-status]").textContent = step.after.status;
    row.querySelector("[data-status]").className = `tag status-${step.after.status}`;
    row.querySelector(".value").textContent = step.after.value;
    row.dataset.done = step.action;
    status.textContent = `claim ${row.dataset.claim}: ${step.action}`;
    for (const input of row.querySelectorAll("input")) input.hidden = true;
    select(at + 1);
  }
  function open(row, cls) {
    const input = row.querySelector(cls);
    input.hidden = false;
    input.focus();
    input.select();
  }
  queue.addEventListener("keydown", e => {
    if (e.target.tagName !== "INPUT") return;
    const row = e.target.closest("li");
    if (e.key === "Escape") { e.target.hidden = true; row.focus(); return; }
    if (e.key !== "Enter") return;
    e.preventDefault();
    if (e.target.classList.contains("reason")) send(row, { action: "reject", reason: e.target.value });
    else send(row, { action: "edit", value: e.target.value });
  });
  document.addEventListener("keydown", e => {
    if (["INPUT", "SELECT", "TEXTAREA"].includes(e.target.tagName) || e.ctrlKey || e.metaKey || e.altKey) return;
    const row = rows[at];
    const act = { j: () => select(at + 1), k: () => select(at - 1), a: () => send(row, { action: "accept" }),
                  r: () => open(row, ".reason"), e: () => open(row, ".value-edit") }[e.key];
    if (act) { e.preventDefault(); act(); }
  });
  select(0);
})();
