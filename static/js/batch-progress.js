// Follow a batch of emails in the staff panel: ask for its figures every second until
// nothing waits. The first figures come from the page (json_script), the texts from data-*.
(function () {
  "use strict";

  function follow(root) {
    var status = document.getElementById("lectern-batch-status");
    function show(p) {
      ["sent", "failed", "waiting", "discarded"].forEach(function (name) {
        var figure = root.querySelector('[data-figure="' + name + '"]');
        if (figure) { figure.textContent = p[name]; }
        var part = root.querySelector('[data-part="' + name + '"]');
        if (part) { part.style.width = (p.total ? 100 * p[name] / p.total : 0) + "%"; }
      });
      root.querySelector('[role="progressbar"]').setAttribute("aria-valuenow", p.sent);
    }
    function poll() {
      fetch(root.dataset.url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (p) {
          show(p);
          if (p.done) {
            status.textContent = root.dataset.doneText;
            if (p.failed) { window.location.reload(); }  // to list what failed, and why
          } else {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () {
          status.textContent = root.dataset.errorText;
        });
    }
    show(JSON.parse(document.getElementById("lectern-progress").textContent));
    if (root.dataset.done !== "1") { window.setTimeout(poll, 1000); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("lectern-batch");
    if (root) { follow(root); }
  });
})();
