// Offline search over search-index.js (window.CLAIMGRAPH_SEARCH): every word typed must
// occur in an entry's title or extra words. Results are built with textContent only.
(function () {
  "use strict";
  var index = window.CLAIMGRAPH_SEARCH || [];
  var input = document.getElementById("q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !list || !status) { return; }
  function fold(s) {
    return String(s).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  var folded = index.map(function (e) { return fold(e.t + " " + e.d); });
  function run(query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) { status.textContent = ""; return; }
    var hits = [];
    for (var i = 0; i < index.length && hits.length < 200; i++) {
      var hay = folded[i];
      if (words.every(function (w) { return hay.indexOf(w) !== -1; })) { hits.push(index[i]); }
    }
    status.textContent = hits.length === 0 ? "Nothing found." :
      hits.length + (hits.length === 1 ? " result" : " results") + (hits.length === 200 ? " (first 200)" : "") + ".";
    hits.forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = e.u;
      a.textContent = e.t;
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = e.k;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(kind);
      list.appendChild(li);
    });
  }
  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  run(input.value);
  input.addEventListener("input", function () { run(input.value); });
})();
