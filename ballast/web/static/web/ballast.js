/* Ballast: small helpers shared by every page (no framework, nothing from outside). */
(function () {
  "use strict";
  // Confirm buttons that change state for good.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
