// The SPARQL query page's editor: CodeMirror 5 with SPARQL highlighting over the
// page's textarea (which still carries the query when the form is sent), completion of
// the project's prefixes and of the ontology's classes and properties (from the form's
// data-completion attribute, so nothing is fetched), Ctrl+Enter to run, a copy button
// for the prefix declarations, and the saved-query examples loaded into the editor.
// Without JavaScript the page is a plain form and everything still works.
(function () {
  "use strict";
  var form = document.getElementById("sparql-form");
  var textarea = document.getElementById("query");
  if (!form || !textarea) { return; }

  var completion = { prefixes: [], terms: [] };
  try { completion = JSON.parse(form.getAttribute("data-completion") || "{}"); } catch (e) { /* plain editor */ }
  completion.prefixes = completion.prefixes || [];
  completion.terms = completion.terms || [];

  // The copy button for the PREFIX lines.
  var copy = document.getElementById("copy-prologue");
  var prologue = document.getElementById("prologue");
  if (copy && prologue) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var text = prologue.textContent;
      var done = function () { copy.textContent = "Copied"; setTimeout(function () { copy.textContent = "Copy"; }, 2000); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { selectAndCopy(prologue) && done(); });
      } else if (selectAndCopy(prologue)) { done(); }
    });
  }
  function selectAndCopy(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }

  if (typeof window.CodeMirror !== "function") { return; }
  var CodeMirror = window.CodeMirror;

  // The prefixed name (or bare prefix) that ends at the cursor: its start and text.
  function wordBefore(cm) {
    var cursor = cm.getCursor();
    var line = cm.getLine(cursor.line);
    var start = cursor.ch;
    while (start > 0 && /[\w:\-]/.test(line.charAt(start - 1))) { start--; }
    var word = line.slice(start, cursor.ch);
    if (start > 0 && /[?$<"'#]/.test(line.charAt(start - 1))) { word = ""; }
    return { line: cursor.line, start: start, end: cursor.ch, word: word };
  }

  function sparqlHint(cm) {
    var at = wordBefore(cm);
    var word = at.word;
    if (!/^[A-Za-z][\w\-]*:?[\w\-]*$/.test(word)) { return null; }
    var list = [];
    if (word.indexOf(":") === -1) {
      completion.prefixes.forEach(function (p) {
        if (p.prefix.indexOf(word) === 0) {
          list.push({ text: p.prefix + ":", displayText: p.prefix + ":  " + p.namespace });
        }
      });
    }
    var lower = word.toLowerCase();
    completion.terms.forEach(function (t) {
      var colon = t.n.indexOf(":");
      var local = t.n.slice(colon + 1).toLowerCase();
      var matches = word.indexOf(":") === -1
        ? local.indexOf(lower) === 0 && word.length >= 2
        : t.n.toLowerCase().indexOf(lower) === 0;
      if (matches) {
        var shown = t.d.length > 70 ? t.d.slice(0, 69) + "…" : t.d;
        list.push({ text: t.n, displayText: t.n + (shown ? "  " + shown : "") });
      }
    });
    if (!list.length) { return null; }
    return { list: list.slice(0, 60), from: CodeMirror.Pos(at.line, at.start), to: CodeMirror.Pos(at.line, at.end) };
  }

  function run(cm) {
    cm.save();
    form.submit();
  }

  var editor = CodeMirror.fromTextArea(textarea, {
    mode: "sparql",
    lineNumbers: true,
    lineWrapping: true,
    indentUnit: 2,
    viewportMargin: Infinity,
    screenReaderLabel: "SPARQL query",
    extraKeys: {
      "Ctrl-Space": "autocomplete",
      "Ctrl-Enter": run,
      "Cmd-Enter": run,
      // Tab leaves the editor: keyboard users are not trapped in it.
      "Tab": false,
      "Shift-Tab": false,
    },
    hintOptions: { hint: sparqlHint, completeSingle: false },
  });
  form.classList.add("has-editor");
  var keys = document.getElementById("editor-keys");
  if (keys) { keys.hidden = false; }

  // Offer completions while typing a prefixed name.
  editor.on("inputRead", function (cm, change) {
    if (cm.state.completionActive || change.origin !== "+input") { return; }
    var typed = change.text.join("");
    if (!/^[\w:\-]$/.test(typed)) { return; }
    var word = wordBefore(cm).word;
    if (word.indexOf(":") !== -1 || word.length >= 2) {
      cm.showHint({ hint: sparqlHint, completeSingle: false });
    }
  });

  // The examples open in the editor without reloading the page.
  Array.prototype.forEach.call(document.querySelectorAll(".load-example"), function (link) {
    link.hidden = false;
    link.addEventListener("click", function (event) {
      var details = link.closest("details");
      var text = details && details.querySelector(".example-text");
      if (!text) { return; }
      event.preventDefault();
      editor.setValue(text.textContent);
      form.scrollIntoView({ behavior: "smooth", block: "start" });
      editor.focus();
    });
  });
})();
