// Live character counters for every field with a maxlength, and the CfP deadline countdown.
(function () {
  "use strict";

  function attachCounter(field) {
    const max = parseInt(field.getAttribute("maxlength"), 10);
    if (!max || field.dataset.counter) return;
    field.dataset.counter = "1";
    const counter = document.createElement("div");
    counter.className = "char-counter";
    counter.setAttribute("aria-live", "polite");
    const update = function () {
      // Count characters as the server does (code points, not UTF-16 units).
      const used = Array.from(field.value).length;
      counter.textContent = used + " / " + max;
      counter.classList.toggle("over", used > max);
    };
    field.addEventListener("input", update);
    update();
    field.insertAdjacentElement("afterend", counter);
  }

  function startCountdown(el) {
    const deadline = Date.parse(el.dataset.deadline);
    if (isNaN(deadline)) return;
    const tick = function () {
      let left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
      if (left === 0) {
        el.textContent = "The deadline has passed.";
        return;
      }
      const days = Math.floor(left / 86400); left -= days * 86400;
      const hours = Math.floor(left / 3600); left -= hours * 3600;
      const minutes = Math.floor(left / 60); const seconds = left - minutes * 60;
      const parts = [];
      if (days) parts.push(days + (days === 1 ? " day" : " days"));
      parts.push(hours + " h", minutes + " min", seconds + " s");
      el.textContent = parts.join(" ") + " left";
      window.setTimeout(tick, 1000);
    };
    tick();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[maxlength], input[type=text][maxlength]").forEach(attachCounter);
    document.querySelectorAll("[data-deadline]").forEach(startCountdown);
  });
})();
