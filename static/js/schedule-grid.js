/* Drag and drop on the organizers' schedule grid (templates/admin/cfp/schedule/grid.html).
 *
 * A progressive enhancement: without it the page's forms do the same. Dropping an
 * unscheduled talk on a cell posts the "place" form's fields; dropping a placed slot posts
 * its "move" form's. The server answers with the address of the day to show and keeps its
 * message for that page, which is then loaded (at the same scroll position).
 */
(function () {
  "use strict";

  const grid = document.querySelector("[data-schedule-grid]");
  if (!grid) return;

  const SCROLL_KEY = "lectern-schedule-scroll";
  const saved = sessionStorage.getItem(SCROLL_KEY);
  if (saved !== null) {
    sessionStorage.removeItem(SCROLL_KEY);
    window.scrollTo(0, Number(saved) || 0);
  }

  const csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  let dragged = null; // {kind: "talk" | "slot", element}
  let over = null;

  function clearOver() {
    if (over) over.classList.remove("is-over");
    over = null;
  }

  function startDrag(event, kind, element) {
    dragged = { kind: kind, element: element };
    event.dataTransfer.effectAllowed = "move";
    // Some browsers start no drag without data.
    event.dataTransfer.setData("text/plain", element.textContent.trim().slice(0, 200));
    element.classList.add("is-dragged");
    // After the browser took the drag image: blocks let drops through to the cells below.
    window.setTimeout(function () { document.body.classList.add("sched-dragging"); }, 0);
  }

  function endDrag() {
    if (dragged) dragged.element.classList.remove("is-dragged");
    dragged = null;
    clearOver();
    document.body.classList.remove("sched-dragging");
  }

  document.querySelectorAll(".sched-talk[draggable=true]").forEach(function (talk) {
    talk.addEventListener("dragstart", function (event) { startDrag(event, "talk", talk); });
    talk.addEventListener("dragend", endDrag);
  });
  grid.querySelectorAll(".sched-block[draggable=true]").forEach(function (block) {
    block.addEventListener("dragstart", function (event) { startDrag(event, "slot", block); });
    block.addEventListener("dragend", endDrag);
  });

  function cellAt(event) {
    return event.target.closest ? event.target.closest("[data-cell]") : null;
  }

  grid.addEventListener("dragover", function (event) {
    const cell = cellAt(event);
    if (!dragged || !cell) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (cell !== over) {
      clearOver();
      over = cell;
      cell.classList.add("is-over");
    }
  });

  grid.addEventListener("dragleave", function (event) {
    if (event.target === over) clearOver();
  });

  grid.addEventListener("drop", function (event) {
    const cell = cellAt(event);
    if (!dragged || !cell) return;
    event.preventDefault();
    const what = dragged;
    endDrag();

    const data = new FormData();
    data.append("csrfmiddlewaretoken", csrfInput ? csrfInput.value : "");
    data.append("day", grid.dataset.day);
    data.append("time", cell.dataset.time);
    let url;
    if (what.kind === "talk") {
      url = grid.dataset.placeUrl;
      data.append("proposal", what.element.dataset.proposal);
      data.append("room", cell.dataset.room);
    } else {
      url = what.element.dataset.moveUrl;
      // A break across all rooms stays across all rooms; only its time changes.
      data.append("room", "allRooms" in what.element.dataset ? "" : cell.dataset.room);
    }
    send(url, data);
  });

  function go(url) {
    sessionStorage.setItem(SCROLL_KEY, String(window.scrollY));
    window.location.assign(url);
  }

  function send(url, data) {
    document.body.classList.add("sched-busy");
    // The server answers {"next": url} and keeps its message for that page. Anything else
    // (a logged-out session's login page, an error) is shown by reloading this day.
    const here = new URL(window.location.href);
    here.hash = "";
    here.searchParams.set("day", grid.dataset.day);
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", Accept: "application/json" },
    })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (answer) { go(answer.next || here.toString()); })
      .catch(function () { go(here.toString()); });
  }
})();
