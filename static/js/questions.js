// The proposal form's questions limited to some tracks or submission types: shown only
// when the chosen track and type are among them. Hidden ones are disabled, so the browser
// neither requires nor sends them; the server decides again which questions apply.
(function () {
  "use strict";

  function chosen(name) {
    var select = document.querySelector('select[name="' + name + '"]');
    return select ? select.value : "";
  }

  function allows(wrapper, attribute, value) {
    var list = wrapper.getAttribute(attribute);
    if (list === null) {
      return true;
    }
    return list.split(" ").indexOf(value) !== -1;
  }

  function update() {
    var track = chosen("track");
    var type = chosen("submission_type");
    document.querySelectorAll(".question[data-tracks], .question[data-types]").forEach(
      function (wrapper) {
        var shown = allows(wrapper, "data-tracks", track) && allows(wrapper, "data-types", type);
        wrapper.hidden = !shown;
        if (wrapper.closest(".proposal-form-read-only")) {
          return; // a record: its fields stay disabled
        }
        wrapper.querySelectorAll("input, select, textarea").forEach(function (input) {
          input.disabled = !shown;
        });
      }
    );
  }

  document.addEventListener("DOMContentLoaded", function () {
    ["track", "submission_type"].forEach(function (name) {
      var select = document.querySelector('select[name="' + name + '"]');
      if (select) {
        select.addEventListener("change", update);
      }
    });
    update();
  });
})();
