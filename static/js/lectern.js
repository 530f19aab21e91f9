// Live character counters for every field with a maxlength, the focus on a form's list of
// errors, and the CfP deadline countdown.
(function () {
  "use strict";

  const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function fillIn(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return name in values ? values[name] : whole;
    });
  }

  const NEAR_LIMIT = 0.2; // of the limit left: "near" from here on

  // Where a count stands: a screen reader hears about it only when this changes.
  function band(used, max) {
    if (used > max) return "over";
    if (used === max) return "at";
    if (max - used <= max * NEAR_LIMIT) return "near";
    return "fine";
  }

  // A field with data-max-length has no maxlength: the browser would cut a paste at the
  // limit without a word. The counter says how far over it is; the server refuses the rest.
  function attachCounter(field) {
    const max = parseInt(field.dataset.maxLength || field.getAttribute("maxlength"), 10);
    if (!max || field.dataset.counter) return;
    field.dataset.counter = "1";
    const counter = document.createElement("div");
    counter.className = "char-counter";
    counter.id = field.id ? field.id + "-counter" : "";
    // The count and the message are read with the field (aria-describedby) and are no live
    // region: a screen reader would read them out at every key press.
    if (counter.id) {
      const described = field.getAttribute("aria-describedby");
      field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    }
    const count = document.createElement("span");
    count.className = "char-count";
    const limit = document.createElement("span");
    limit.className = "char-limit-message";
    // Said once as the text comes near the limit, reaches it or goes over (and not again
    // until the count moves to another of these bands).
    const announce = document.createElement("span");
    announce.className = "char-announcement visually-hidden";
    announce.setAttribute("aria-live", "polite");
    counter.append(count, limit, announce);
    let shown = null;
    const update = function () {
      // Count characters as the server does (code points, not UTF-16 units).
      const used = Array.from(field.value).length;
      const values = {
        max: numbers.format(max),
        over: numbers.format(used - max),
        left: numbers.format(max - used),
      };
      count.textContent = numbers.format(used) + " / " + values.max;
      let message = "";
      if (used > max && field.dataset.limitOver) message = fillIn(field.dataset.limitOver, values);
      else if (used === max && field.dataset.limitReached) {
        message = fillIn(field.dataset.limitReached, values);
      }
      if (limit.textContent !== message) limit.textContent = message;
      counter.classList.toggle("over", used > max);
      counter.classList.toggle("at-limit", used === max);
      const now = band(used, max);
      if (shown !== null && now !== shown) {
        let said = message;
        if (now === "near" && field.dataset.limitNear) said = fillIn(field.dataset.limitNear, values);
        announce.textContent = now === "fine" ? "" : said;
      }
      shown = now; // the text a page opens with is read with the field, not announced
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

  // A day of the availability form: its times count only for "These hours", so the other
  // choices grey them out (without JavaScript they stay editable and are ignored).
  function attachAvailabilityDay(select) {
    const day = select.closest("fieldset");
    if (!day) return;
    const update = function () {
      day.querySelectorAll("input[type=time]").forEach(function (input) {
        input.disabled = select.value !== "hours";
      });
    };
    select.addEventListener("change", update);
    update();
  }

  // A form sent back with errors starts at its list of them (templates/_error_summary.html):
  // the focus moves there, so a screen reader reads it and the next Tab reaches its links.
  // A link moves the focus into its field (a plain jump to the anchor would only scroll in
  // some browsers) with the field's label in view.
  function attachErrorSummary(summary) {
    summary.addEventListener("click", function (event) {
      const link = event.target.closest("a[href^='#']");
      const field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      const label = document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
    summary.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    const summary = document.querySelector("[data-error-summary]");
    if (summary) attachErrorSummary(summary);
    document.querySelectorAll("select[data-availability-choice]").forEach(attachAvailabilityDay);
    document
      .querySelectorAll(
        "textarea[maxlength], input[type=text][maxlength], textarea[data-max-length], input[data-max-length]"
      )
      .forEach(attachCounter);
    document.querySelectorAll("[data-deadline]").forEach(startCountdown);
  });

  // Back to a form: the browser puts the typed text back after the page has loaded, without
  // an `input` event. Send one, so counters and the abstract's preview show that text.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("textarea, input[type=text]").forEach(function (field) {
      if (field.value !== field.defaultValue) {
        field.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
  });
})();
