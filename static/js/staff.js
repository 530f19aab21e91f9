// Every page of the staff panel (templates/admin/base_site.html).
"use strict";

// Django's two-box picker (filter_horizontal) puts a help icon beside each of its search
// boxes: a <span> carrying an aria-label, which no role allows on a plain span (axe:
// aria-prohibited-attr). As a picture with a text, the icon may carry it. The picker is built
// on "load", by a script that comes before this one, so this runs after it.
window.addEventListener("load", function () {
  document.querySelectorAll("span.search-label-icon[aria-label]").forEach(function (icon) {
    icon.setAttribute("role", "img");
  });
});

// On a narrow screen Django lets an inline table (a proposal's transitions, say) scroll inside
// its box. A box that scrolls must take the keyboard's focus, or it cannot be scrolled without a
// mouse when it holds nothing focusable (axe: scrollable-region-focusable): such a box is made a
// named region in the tab order while, and only while, it scrolls.
function markScrollingInlines() {
  document.querySelectorAll(".inline-group").forEach(function (group) {
    var heading = group.querySelector(".inline-heading[id]");
    if (group.scrollWidth > group.clientWidth + 1) {
      group.setAttribute("tabindex", "0");
      group.setAttribute("role", "region");
      if (heading) group.setAttribute("aria-labelledby", heading.id);
    } else if (group.getAttribute("role") === "region") {
      group.removeAttribute("tabindex");
      group.removeAttribute("role");
      group.removeAttribute("aria-labelledby");
    }
  });
}
window.addEventListener("load", markScrollingInlines);
window.addEventListener("resize", markScrollingInlines);
