/* A bulletin being rendered by the task queue: reload its page every few seconds until
   it is published or failed (a static file: the CSP allows no inline script). */
(function () {
  "use strict";
  if (!document.getElementById("bulletin-progress")) { return; }
  setTimeout(function () { window.location.reload(); }, 3000);
})();
