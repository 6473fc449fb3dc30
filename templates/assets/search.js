// Offline search over the split index of search/ (see src/read/view/search.rs): the page
// loads search/index.js (the shard names); each word typed loads the terms shard of its
// first two letters, and only the entries files holding the hits shown are loaded.
// Every word typed must begin a word of an entry (its title, aliases, statement,
// claimant or quote). Files are scripts, so this also works from a site opened from
// disk. Results are built with textContent only.
(function () {
  "use strict";
  var manifest = window.CLAIMGRAPH_SEARCH;
  var input = document.getElementById("q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !list || !status || !manifest) { return; }
  var SHOWN = 100;
  var terms = {};    // shard key -> { word: [entry ids] }
  var entries = {};  // block number -> [entries]
  var pending = {};  // script src -> [callbacks]

  window.CLAIMGRAPH_SEARCH_LOADED = function (kind, key, data) {
    if (kind === "terms") { terms[key] = data; } else { entries[key] = data; }
  };

  function load(src, done) {
    if (pending[src]) { pending[src].push(done); return; }
    pending[src] = [done];
    var script = document.createElement("script");
    script.src = src;
    var finish = function () { var callbacks = pending[src]; pending[src] = []; callbacks.forEach(function (f) { f(); }); };
    script.onload = finish;
    script.onerror = finish;
    document.head.appendChild(script);
  }

  function fold(s) {
    return String(s).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function wordsOf(s) {
    return fold(s).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length >= 2; });
  }
  function shardOf(word) { return Array.from(word).slice(0, 2).join(""); }

  // Loads the terms shards or entries blocks `keys` not loaded yet, then calls `then`.
  function ensure(kind, keys, then) {
    var missing = keys.filter(function (k) { return kind === "terms" ? !terms[k] : !entries[k]; });
    if (!missing.length) { then(); return; }
    var left = missing.length;
    missing.forEach(function (k) {
      var file = kind === "terms" ? "search/terms-" + manifest.shards[k] + ".js" : "search/entries-" + k + ".js";
      load(file, function () { if (--left === 0) { then(); } });
    });
  }

  // The ids of the entries having a word that starts with `word`.
  function idsFor(word) {
    var shard = terms[shardOf(word)] || {};
    var ids = {};
    Object.keys(shard).forEach(function (w) {
      if (w.indexOf(word) === 0) { shard[w].forEach(function (id) { ids[id] = true; }); }
    });
    return ids;
  }

  var current = 0;
  function run(query) {
    var ticket = ++current;
    var words = wordsOf(query);
    list.textContent = "";
    if (!words.length) {
      status.textContent = query.trim() ? "Type at least two letters of a word." : "";
      return;
    }
    var shards = words.map(shardOf).filter(function (k, i, all) { return all.indexOf(k) === i; });
    // A word whose shard does not exist begins no word of any entry.
    if (!shards.every(function (k) { return manifest.shards[k]; })) {
      status.textContent = "Nothing found.";
      return;
    }
    status.textContent = "Searching…";
    ensure("terms", shards, function () {
      if (ticket !== current) { return; }
      var hits = null;
      words.forEach(function (w) {
        var ids = idsFor(w);
        hits = hits === null ? Object.keys(ids).map(Number) : hits.filter(function (id) { return ids[id]; });
      });
      hits.sort(function (a, b) { return a - b; });
      if (!hits.length) { status.textContent = "Nothing found."; return; }
      var shown = hits.slice(0, SHOWN);
      var blocks = shown.map(function (id) { return Math.floor(id / manifest.perFile); })
        .filter(function (b, i, all) { return all.indexOf(b) === i; });
      ensure("entries", blocks, function () {
        if (ticket !== current) { return; }
        status.textContent = hits.length + (hits.length === 1 ? " result" : " results") +
          (hits.length > SHOWN ? " (the first " + SHOWN + " shown)" : "") + ".";
        shown.forEach(function (id) {
          var block = entries[Math.floor(id / manifest.perFile)];
          var e = block && block[id % manifest.perFile];
          if (e) { list.appendChild(render(e)); }
        });
      });
    });
  }

  function render(e) {
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
    if (e.q) {
      var quote = document.createElement("q");
      quote.className = "note";
      if (e.l) { quote.lang = e.l; }
      quote.textContent = e.q;
      li.appendChild(document.createElement("br"));
      li.appendChild(quote);
    }
    return li;
  }

  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  run(input.value);
  input.addEventListener("input", function () { run(input.value); });
})();
