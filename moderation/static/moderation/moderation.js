/* Keyboard shortcuts of the queue and item pages, and screen-reader announcements of the
   queue's live updates (only when the counts actually change). */
(function () {
  "use strict";

  function typing(event) {
    var target = event.target;
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  function rowLinks() {
    return Array.prototype.slice.call(document.querySelectorAll(".app-queue-link"));
  }

  function move(step) {
    var links = rowLinks();
    if (!links.length) return;
    var index = links.indexOf(document.activeElement);
    var next = index < 0 ? 0 : Math.min(links.length - 1, Math.max(0, index + step));
    links[next].focus();
  }

  function press(selector) {
    var element = document.querySelector(selector);
    if (!element) return false;
    var details = element.closest("details");
    if (details) details.open = true;
    if (element.tagName === "BUTTON") element.click();
    else element.focus();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    var handled = true;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "/": handled = press(".app-filters select, .app-filters input"); break;
      case "a": handled = press("[data-shortcut=acknowledge]"); break;
      case "r": handled = press("#id_text"); break;
      case "f": handled = press("#id_forward-to_unit"); break;
      case "c": handled = press("#id_close-reason"); break;
      case "q":
        var back = document.querySelector("[data-shortcut=queue]");
        if (back) window.location.href = back.href; else handled = false;
        break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });

  var lastSummary = null;
  var focusedItem = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var row = document.activeElement && document.activeElement.closest("tr[data-item]");
    focusedItem = row ? row.getAttribute("data-item") : null;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var counts = event.target.querySelector && event.target.querySelector("[data-summary]");
    if (counts) {
      var summary = counts.getAttribute("data-summary");
      var announcer = document.getElementById("queue-announcer");
      if (announcer && lastSummary !== null && summary !== lastSummary) {
        announcer.textContent = summary;
      }
      lastSummary = summary;
    }
    if (focusedItem) {
      var link = document.querySelector('tr[data-item="' + focusedItem + '"] .app-queue-link');
      if (link) link.focus();
    }
  });
})();
