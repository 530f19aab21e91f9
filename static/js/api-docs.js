// The API's docs page (templates/drf_spectacular/swagger_ui.html): small fixes to the markup
// Swagger UI draws, so that the page reads well with a screen reader. Swagger UI redraws parts
// of the page as people open operations, so the fixes run again after every change.
"use strict";

(function () {
  const root = document.getElementById("swagger-ui");
  if (!root) return;
  const labels = root.dataset;  // translated words, from the template

  function fix() {
    // The page's <main> holds everything; Swagger UI's own <main> (the operations) is a
    // region inside it, so that there is one main landmark.
    for (const operations of root.querySelectorAll("main#operations:not([role])")) {
      operations.setAttribute("role", "region");
      operations.setAttribute("aria-label", labels.labelOperations);
    }
    // An operation's summary is one button that opens it; the link to the operation inside it
    // would be a control within a control. Opening the operation sets the address anyway.
    for (const link of root.querySelectorAll(".opblock-summary-control a[href]")) {
      link.removeAttribute("href");
    }
    // Examples and answers scroll sideways when long: reachable with the keyboard too.
    for (const code of root.querySelectorAll("pre:not([tabindex])")) {
      code.setAttribute("tabindex", "0");
    }
  }

  new MutationObserver(fix).observe(root, { childList: true, subtree: true });
  fix();
})();
