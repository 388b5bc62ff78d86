/* Ballast: small helpers shared by every page (no framework, nothing from outside).
   Pages carry no inline script or event attribute (the CSP forbids them): behaviour is
   declared with data- attributes and wired here. */
(function () {
  "use strict";
  // Confirm buttons that change state for good: <button data-confirm="…">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // Submit a form as soon as a choice changes: <select data-autosubmit> (the language).
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-autosubmit]");
    if (field && field.form) { field.form.submit(); }
  });
  // "全部选中": <input type="checkbox" data-check-all="pick"> checks or clears every
  // checkbox named "pick" of the page (the rows of a batch step).
  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-check-all]");
    if (!all) { return; }
    var name = all.getAttribute("data-check-all");
    document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(
      function (box) { box.checked = all.checked; });
  });
})();
