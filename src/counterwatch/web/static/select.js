// Source page: a selection inside the stored text becomes the quote of a new claim. Offsets are counted
// in code points of the text, as the server stores them; the server checks the quote against its text.
(function () {
  const text = document.getElementById("source-text");
  const form = document.getElementById("new-claim");
  if (!text || !form) return;
  const $ = id => document.getElementById(id);
  const codePoints = s => Array.from(s).length;

  function offsetOf(node, offset) {
    const range = document.createRange();
    range.setStart(text, 0);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  }

  document.addEventListener("selectionchange", () => {
    const sel = window.getSelection();
    if (!sel.rangeCount || sel.isCollapsed) return;
    const r = sel.getRangeAt(0);
    if (!text.contains(r.startContainer) || !text.contains(r.endContainer)) return;
    const start = offsetOf(r.startContainer, r.startOffset), end = offsetOf(r.endContainer, r.endOffset);
    const quote = Array.from(text.textContent).slice(start, end).join("");
    if (!quote.trim()) return;
    $("nc-start").value = start; $("nc-end").value = end; $("nc-quote").value = quote;
    $("nc-offsets").textContent = `characters ${start}–${end}`;
    if (!$("nc-value").dataset.typed) $("nc-value").value = quote;
    form.hidden = false;
  });
  $("nc-value").addEventListener("input", e => { e.target.dataset.typed = "1"; });
  function showKind() {
    for (const fs of form.querySelectorAll("fieldset[data-kind]")) {
      fs.hidden = fs.dataset.kind !== $("nc-kind").value;
      for (const el of fs.querySelectorAll("input, select")) el.disabled = fs.hidden;
    }
  }
  $("nc-kind").addEventListener("change", showKind);
  $("nc-cancel").addEventListener("click", () => { form.hidden = true; });
  showKind();
})();
