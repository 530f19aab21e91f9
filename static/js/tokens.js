// The "Copy" button beside a new API token (speakers/token_created.html and the staff
// panel's page): hidden until this script runs, so that without JavaScript the page offers
// only what works there (the token's box, whose text can be selected and copied by hand).
(function () {
  "use strict";

  function say(button, text) {
    const status = document.getElementById(button.dataset.copyStatus || "copy-status");
    if (status) status.textContent = text;
  }

  function copyWithSelection(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  document.querySelectorAll("[data-copy-token]").forEach(function (button) {
    const field = document.getElementById(button.dataset.copyToken);
    if (!field) return;
    button.hidden = false;
    field.addEventListener("focus", function () {
      field.select();
    });
    button.addEventListener("click", function () {
      const done = function () {
        say(button, button.dataset.copied);
      };
      const failed = function () {
        if (copyWithSelection(field)) done();
        else say(button, button.dataset.copyFailed);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, failed);
      } else {
        failed();
      }
    });
  });
})();
