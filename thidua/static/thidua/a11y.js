// Accessibility helpers for every page (issue 14).
// - thiduaAnnounce(text): says it through the page's polite status region (#live-status).
// - A refused form: every field with an error is marked aria-invalid and tied to its message
//   (aria-describedby), and the focus goes to the first one.
// - htmx: a response's own announcement (an element with data-announce) is read out; the
//   tree's toggles say whether they are expanded.
(function () {
  "use strict";
  var counter = 0;
  function announce(text) {
    var region = document.getElementById("live-status");
    if (!region || !text) { return; }
    // Emptied first, so that the same words said twice are read twice.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 60);
  }
  window.thiduaAnnounce = announce;

  function tieErrors(root) {
    var first = null;
    root.querySelectorAll(".is-invalid, [aria-invalid=true]").forEach(function (input) {
      input.setAttribute("aria-invalid", "true");
      var box = input.closest(".mb-2, .mb-3, .col, [class*=col-], td") || input.parentElement;
      var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      box.querySelectorAll(".invalid-feedback, .text-danger").forEach(function (message) {
        if (!message.id) { counter += 1; message.id = "error-text-" + counter; }
        if (ids.indexOf(message.id) < 0) { ids.push(message.id); }
      });
      if (ids.length) { input.setAttribute("aria-describedby", ids.join(" ")); }
      if (first === null && input.matches("input, select, textarea")) { first = input; }
    });
    return first;
  }

  // A table wider than the screen scrolls: it takes the focus so the arrow keys scroll it.
  function scrollables() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1 && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var caption = box.querySelector("caption, h2, h3");
        var heading = caption ? caption.textContent.trim() : document.title.split(" · ")[0];
        box.setAttribute("aria-label", heading);
      }
    });
  }
  window.addEventListener("resize", scrollables);
  document.addEventListener("htmx:afterSettle", scrollables);
  document.addEventListener("DOMContentLoaded", function () {
    scrollables();
    var first = tieErrors(document);
    // A message the last action left (approved, returned, imported) is read out once loaded.
    var message = document.querySelector("main > .alert[role=status]");
    if (message) { announce(message.textContent.trim()); }
    if (first) {
      first.focus();
    } else {
      var alert = document.querySelector("main .alert-danger[role=alert], main [data-testid=form-errors]");
      if (alert) { alert.setAttribute("tabindex", "-1"); alert.focus(); }
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("aria-expanded")) {
      // The tree's toggle: the children come in below it.
      elt.setAttribute("aria-busy", "true");
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    var elt = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt;
    // A panel that asks a question (the submit confirmation) takes the focus when it opens.
    if (target && target.hasAttribute && target.hasAttribute("data-focus-first")) {
      var panel = target.querySelector("[tabindex='-1']");
      if (panel) { panel.focus(); }
    }
    if (elt && elt.hasAttribute && elt.hasAttribute("aria-expanded")) {
      elt.removeAttribute("aria-busy");
      elt.setAttribute("aria-expanded", "true");
      var icon = elt.querySelector(".bi");
      if (icon) { icon.classList.replace("bi-plus-square", "bi-dash-square"); }
    }
  });
  // What a response says it did (data-announce: "Đã lưu", a refusal, a vote recorded, an
  // import's progress) is read out once, whatever the kind of swap; the focus stays put.
  function markSaid() {
    document.querySelectorAll("[data-announce]").forEach(function (e) { e.dataset.said = "1"; });
  }
  document.addEventListener("DOMContentLoaded", markSaid);
  // After a vote: the confirmation shows in place and the focus moves to the next nominee
  // still to vote on (or to the confirmation when there is none).
  var ballot = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    ballot = elt && elt.dataset && elt.dataset.item && elt.matches("[data-testid=ballot]") ? elt.dataset.item : null;
  });
  function focusAfterVote() {
    if (ballot === null) { return; }
    var next = document.querySelector("form[data-testid=ballot] input[type=radio]");
    var done = document.getElementById("voted-" + ballot);
    ballot = null;
    if (next) { next.focus(); } else if (done) { done.focus(); }
  }
  document.addEventListener("htmx:afterSettle", function () {
    focusAfterVote();
    var fresh = document.querySelectorAll("[data-announce]:not([data-said])");
    if (fresh.length) {
      var last = fresh[fresh.length - 1];
      announce(last.getAttribute("data-announce") || last.textContent.replace(/\s+/g, " ").trim());
    }
    markSaid();
  });
  // The tree's toggles: a second press folds the children away again.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("button[aria-expanded][hx-get]");
    if (!toggle || toggle.getAttribute("aria-expanded") !== "true") { return; }
    var list = toggle.parentElement.querySelector("ul");
    if (!list) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    list.replaceChildren();
    toggle.setAttribute("aria-expanded", "false");
    var icon = toggle.querySelector(".bi");
    if (icon) { icon.classList.replace("bi-dash-square", "bi-plus-square"); }
  }, true);
})();
