// Entry grid: never lose what was typed. Unsaved text is kept in localStorage with the
// version of the cell it was typed against, until the server confirms it; it is restored after
// a reload (still against that version, so a newer colleague's figure is never overwritten
// silently) and retried after a network error.
// A save swaps only the cell's state ("Saved", the error), its version, the findings and the
// derived figures: never the row, so the focus and what is being typed in the comment stay.
(function () {
  "use strict";
  var PREFIX = "thidua:cell:";
  function key(form) { return PREFIX + form.dataset.key; }
  function field(form) { return form.querySelector("[name=value], [name=text]"); }
  function version(form) { return form.querySelector("[name=version]"); }
  function formOf(event) {
    var elt = (event.detail && event.detail.requestConfig && event.detail.requestConfig.elt) ||
      (event.detail && event.detail.elt) || event.target;
    return elt && elt.closest ? elt.closest("form[data-key]") : null;
  }
  function remember(form) {
    localStorage.setItem(key(form), JSON.stringify({ text: field(form).value, version: version(form).value }));
  }
  function recall(form) {
    var raw = localStorage.getItem(key(form));
    if (raw === null) { return null; }
    try { return JSON.parse(raw); } catch (e) { return null; }
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-key]");
    if (form) { remember(form); }
  });
  document.addEventListener("change", function (event) {
    var comment = event.target.closest && event.target.closest(".cell-comment");
    if (!comment) { return; }
    var row = document.getElementById("row-" + comment.dataset.row);
    var form = row && row.querySelector("form[data-key]");
    if (!form) { return; }
    form.querySelector(".cell-comment-shadow").value = comment.value;
    htmx.trigger(form, "change");
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = formOf(event);
    if (form && field(form)) { form.dataset.sent = field(form).value; }
  });
  // Mark the row with the state the server answered, and show the figure as it was stored
  // (1234 -> 1.234) unless the user has typed something else since.
  function showState(form) {
    var state = form.querySelector(".cell-state");
    var row = form.closest("tr");
    if (!state || !row) { return; }
    var kind = state.dataset.state || "";
    row.classList.toggle("row-saved", kind === "saved");
    row.classList.toggle("table-danger", kind === "error" || kind === "conflict");
    var input = field(form);
    input.setAttribute("aria-invalid", kind === "error" || kind === "conflict" ? "true" : "false");
    if (kind === "saved" && state.dataset.value !== undefined && input.value === form.dataset.sent) {
      input.value = state.dataset.value;
    }
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    var form = formOf(event);
    if (form && form.classList.contains("cell-form")) { showState(form); }
  });
  document.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("[data-testid=confirm-cancel]");
    var box = document.getElementById("confirm");
    if (cancel && box) {
      event.preventDefault();
      box.replaceChildren();
      var submit = document.querySelector("[data-testid=submit]");
      if (submit) { submit.focus(); }  // back to where the keyboard user opened it
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = formOf(event);
    if (!form) { return; }
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 200) {
      localStorage.removeItem(key(form));
    } else if (status !== 409) {
      // Network or server error: keep the text, show it, retry in a few seconds.
      var row = form.closest("tr, div");
      if (row) { row.classList.add("table-warning"); }
      setTimeout(function () { if (document.body.contains(form)) { htmx.trigger(form, "change"); } }, 3000);
    }
  });
  window.addEventListener("beforeunload", function (event) {
    for (var i = 0; i < localStorage.length; i++) {
      var k = localStorage.key(i);
      if (k && k.indexOf(PREFIX) === 0 && document.querySelector("form[data-key='" + k.slice(PREFIX.length) + "']")) {
        event.preventDefault();
        return;
      }
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-key]").forEach(function (form) {
      var kept = recall(form);
      if (kept === null) { return; }
      if (kept.text === field(form).value) { localStorage.removeItem(key(form)); return; }
      field(form).value = kept.text;
      if (kept.version !== undefined) { version(form).value = kept.version; }
      htmx.trigger(form, "change");
    });
  });
})();
