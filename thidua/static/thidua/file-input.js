// The file picker of includes/file_input.html: show the chosen file's name in the page's
// language instead of the browser's "No file chosen". Delegated, so htmx-swapped forms work too.
(function () {
  "use strict";
  function show(input) {
    var box = input.closest(".file-picker");
    var name = box && box.querySelector(".file-picker-name");
    if (!name) return;
    var files = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
    name.textContent = files.length ? files.join(", ") : name.getAttribute("data-empty");
    name.classList.toggle("file-picker-chosen", files.length > 0);
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.classList.contains("file-picker-input")) show(input);
  });
  document.addEventListener("reset", function (event) {
    window.setTimeout(function () {
      event.target.querySelectorAll(".file-picker-input").forEach(show);
    });
  });
})();
