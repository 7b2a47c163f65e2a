// Entry grid: never lose what was typed. Unsaved cells are kept in localStorage until the
// server confirms them, restored after a reload, and retried after a network error.
(function () {
  "use strict";
  var PREFIX = "thidua:cell:";
  function key(form) { return PREFIX + form.dataset.key; }
  function field(form) { return form.querySelector("[name=value], [name=text]"); }
  function remember(form) { localStorage.setItem(key(form), field(form).value); }

  document.addEventListener("input", function (event) {
    var form = event.target.closest("form[data-key]");
    if (form) { remember(form); }
  });
  document.addEventListener("change", function (event) {
    var comment = event.target.closest(".cell-comment");
    if (!comment) { return; }
    var row = document.getElementById("row-" + comment.dataset.row);
    var form = row && row.querySelector("form[data-key]");
    if (!form) { return; }
    form.querySelector(".cell-comment-shadow").value = comment.value;
    htmx.trigger(form, "change");
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target.closest && event.target.closest("form[data-key]");
    if (form) { remember(form); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.dataset || !form.dataset.key) { return; }
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
      if (localStorage.key(i).indexOf(PREFIX) === 0) { event.preventDefault(); return; }
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-key]").forEach(function (form) {
      var kept = localStorage.getItem(key(form));
      if (kept !== null && kept !== field(form).value) {
        field(form).value = kept;
        htmx.trigger(form, "change");
      } else if (kept !== null) {
        localStorage.removeItem(key(form));
      }
    });
  });
})();
