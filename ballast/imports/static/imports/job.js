/* The import job page: while a job applies, poll its progress and reload when it ends
   (a static file: the CSP allows no inline script). */
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box) { return; }
  var url = box.getAttribute("data-url");
  function poll() {
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (p) {
      document.getElementById("progress-text").textContent = p.done + " / " + p.total;
      var bar = document.getElementById("progress-bar");
      bar.max = p.total; bar.value = p.done;
      if (p.finished) { window.location.reload(); } else { setTimeout(poll, 2000); }
    }).catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
