// A staff form sent back with errors starts at Django's note that says so (.errornote): the
// focus moves there on load, and links to the fields marked below follow it, so that keyboard
// and screen-reader users need not search a long form for the red. Without JavaScript the
// note and the marked fields are as Django renders them.
(function () {
  "use strict";

  // The field an error list belongs to (Django gives the list the id "<field id>_error"),
  // and what names it: its label, or, for a group of radio buttons or boxes (the field's id
  // is the group's box, or nothing; its first button is meant), the group's legend.
  function fieldOf(errors) {
    const id = errors.id.slice(0, -"_error".length);
    const byId = document.getElementById(id);
    const single = byId && byId.matches("input, select, textarea") ? byId : null;
    const field =
      single ||
      document.getElementById(id + "_0") ||
      (byId && byId.querySelector("input, select, textarea"));
    if (!field) return null;
    const group = single ? null : field.closest("fieldset");
    const label = single
      ? document.querySelector("label[for='" + id + "']")
      : group && group.querySelector("legend");
    return { field: field, label: label || field };
  }

  function links(form) {
    const list = document.createElement("ul");
    list.className = "error-summary-links";
    form.querySelectorAll("ul.errorlist[id$='_error']").forEach(function (errors) {
      const found = fieldOf(errors);
      if (!found) return;
      const name = found.label.textContent.trim().replace(/\s*:$/, "");
      const link = document.createElement("a");
      link.href = "#" + found.field.id;
      link.textContent = name + ": " + errors.textContent.trim();
      link.addEventListener("click", function (event) {
        event.preventDefault();
        found.label.scrollIntoView({ block: "start" });
        found.field.focus({ preventScroll: true });
      });
      const item = document.createElement("li");
      item.append(link);
      list.append(item);
    });
    return list.children.length ? list : null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    // The note of a form that came back with errors (the outbox also uses the style for a
    // message that failed to go out: that is no form's error and keeps the page as it is).
    const note = Array.from(document.querySelectorAll("#content-main form .errornote")).find(
      function (candidate) {
        return candidate.closest("form").querySelector(".errorlist");
      }
    );
    if (!note || note.closest(".error-summary")) return;
    // tabindex -1: the summary takes the focus without joining the tab order. role="alert"
    // inside it has it read out as it gets the focus.
    const summary = document.createElement("div");
    summary.className = "error-summary";
    summary.tabIndex = -1;
    const alert = document.createElement("div");
    alert.setAttribute("role", "alert");
    summary.append(alert);
    note.before(summary);
    alert.append(note);
    const list = links(note.closest("form"));
    if (list) alert.append(list);
    summary.focus();
  });
})();
