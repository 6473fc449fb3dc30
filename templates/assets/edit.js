// The review page's keyboard, highlight and selection helpers (`claimgraph serve --edit`).
// Progressive: the page is a plain form that works without this script. Article text is
// only ever read from the page (textContent, Range.toString) and written into form fields
// as values, never as markup.
"use strict";
(function () {
  const form = document.getElementById("review");
  if (!form) { return; }
  const text = document.getElementById("article-text");
  const addButton = document.getElementById("add-from-selection");
  const newClaims = document.getElementById("new-claims");
  const template = document.getElementById("claim-template");
  let next = Number(newClaims.dataset.next);
  let current = -1;

  function cards() {
    return Array.from(form.querySelectorAll(".claim-card"));
  }

  function highlight(index) {
    text.querySelectorAll("mark").forEach((m) => {
      const on = (m.dataset.claims || "").split(" ").includes(String(index));
      m.classList.toggle("current", on);
    });
    const first = text.querySelector("mark.current");
    if (first) { first.scrollIntoView({ block: "nearest" }); }
  }

  function focusCard(i) {
    const list = cards();
    if (!list.length) { return; }
    current = Math.max(0, Math.min(i, list.length - 1));
    list.forEach((c, k) => c.classList.toggle("current", k === current));
    const card = list[current];
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: "nearest" });
    highlight(card.dataset.index);
  }

  function showDecision(card) {
    const checked = card.querySelector("input[type=radio]:checked");
    card.classList.remove("decision-accept", "decision-draft", "decision-reject");
    if (checked) { card.classList.add("decision-" + checked.value); }
  }

  // Decides the current claim and moves on to the next, the common path by keyboard.
  function decide(value) {
    const card = cards()[current];
    if (!card) { return; }
    const radio = card.querySelector("input[type=radio][value=" + value + "]");
    if (!radio) { return; }
    radio.checked = true;
    showDecision(card);
    focusCard(current + 1);
  }

  form.addEventListener("change", (e) => {
    const card = e.target.closest(".claim-card");
    if (card && e.target.type === "radio") { showDecision(card); }
  });
  form.addEventListener("focusin", (e) => {
    const card = e.target.closest(".claim-card");
    const list = cards();
    const i = list.indexOf(card);
    if (i >= 0 && i !== current) {
      current = i;
      list.forEach((c, k) => c.classList.toggle("current", k === current));
      highlight(card.dataset.index);
    }
  });

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    const target = e.target;
    if (target.closest && target.closest("input, textarea, select, button, summary")) { return; }
    const actions = {
      j: () => focusCard(current + 1),
      k: () => focusCard(current - 1),
      a: () => decide("accept"),
      r: () => decide("reject"),
      l: () => decide("draft"),
    };
    const action = actions[e.key];
    if (action) { e.preventDefault(); action(); }
  });

  // A click on highlighted words opens the claim that quotes them.
  text.addEventListener("click", () => {
    const sel = window.getSelection();
    if (sel && !sel.isCollapsed) { return; }
    const mark = sel && sel.anchorNode && sel.anchorNode.parentElement && sel.anchorNode.parentElement.closest("mark");
    if (!mark) { return; }
    const index = (mark.dataset.claims || "").split(" ")[0];
    const i = cards().findIndex((c) => c.dataset.index === index);
    if (i >= 0) { focusCard(i); }
  });

  // Characters (code points, as the sheet counts) of the article text before a point.
  function offsetOf(node, offset) {
    const range = document.createRange();
    range.setStart(text, 0);
    range.setEnd(node, offset);
    return Array.from(range.toString()).length;
  }

  function selected() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return null; }
    const r = sel.getRangeAt(0);
    if (!text.contains(r.startContainer) || !text.contains(r.endContainer)) { return null; }
    const raw = r.toString();
    const quote = raw.trim();
    if (!quote) { return null; }
    const lead = Array.from(raw).length - Array.from(raw.trimStart()).length;
    return { quote, start: offsetOf(r.startContainer, r.startOffset) + lead };
  }

  // The last selection in the article: a click on the button may collapse the live one.
  let pending = null;
  document.addEventListener("selectionchange", () => {
    const s = selected();
    if (s) { pending = s; }
    addButton.disabled = !pending;
  });
  addButton.addEventListener("mousedown", (e) => e.preventDefault());

  addButton.addEventListener("click", () => {
    const s = selected() || pending;
    pending = null;
    addButton.disabled = true;
    if (!s) { return; }
    const index = String(next++);
    const fragment = template.content.cloneNode(true);
    fragment.querySelectorAll("*").forEach((el) => {
      for (const attr of ["name", "id", "for", "aria-labelledby", "data-index"]) {
        const v = el.getAttribute(attr);
        if (v && v.includes("__N__")) { el.setAttribute(attr, v.split("__N__").join(index)); }
      }
    });
    const card = fragment.querySelector(".claim-card");
    newClaims.appendChild(fragment);
    const quote = card.querySelector("textarea[name$='.quote']");
    quote.value = s.quote;
    quote.readOnly = true;
    card.querySelector("input[name$='.quote_start']").value = String(s.start);
    window.getSelection().removeAllRanges();
    focusCard(cards().indexOf(card));
    card.querySelector(".claimant").focus();
  });
  addButton.hidden = false;
})();
