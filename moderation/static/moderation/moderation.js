/* Keyboard shortcuts of the queue and item pages, the queue's selection and bulk bar, and
   screen-reader announcements of the queue's live updates (only when the counts actually
   change). */
(function () {
  "use strict";

  var TEXT_INPUTS = /^(text|search|email|number|password|url|tel|date|datetime-local|month|time|week)$/;

  // Shortcuts stay quiet while the person writes or picks from a list; a focused checkbox or
  // button takes them (x on a row's checkbox selects it, as on its link).
  function typing(event) {
    var target = event.target;
    if (target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName)) return true;
    return target.tagName === "INPUT" && TEXT_INPUTS.test(target.type || "text");
  }

  function rowLinks() {
    return Array.prototype.slice.call(document.querySelectorAll(".app-queue-link"));
  }

  function move(step) {
    var links = rowLinks();
    if (!links.length) return;
    var index = links.indexOf(document.activeElement);
    if (index < 0) {
      var row = document.activeElement && document.activeElement.closest("tr[data-item]");
      var link = row && row.querySelector(".app-queue-link");
      index = link ? links.indexOf(link) : -1;
    }
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

  // The selection: the rows' checkboxes (form="bulk-form") and the bar's "select all".
  var bar = document.getElementById("bulk-form");

  function boxes() {
    return Array.prototype.slice.call(document.querySelectorAll("input.app-select"));
  }

  function chosen() {
    return boxes().filter(function (box) { return box.checked; });
  }

  function showSelection(announce) {
    if (!bar) return;
    var all = boxes();
    var count = chosen().length;
    all.forEach(function (box) {
      var row = box.closest("tr");
      if (row) row.classList.toggle("app-row-selected", box.checked);
    });
    var master = bar.querySelector("[data-bulk-all]");
    if (master) {
      master.checked = all.length > 0 && count === all.length;
      master.indeterminate = count > 0 && count < all.length;
      master.classList.toggle("mixed", master.indeterminate);
      master.disabled = all.length === 0;
    }
    var text = count === 0 ? bar.getAttribute("data-empty")
      : (count === 1 ? bar.getAttribute("data-one") : bar.getAttribute("data-many"))
        .replace("%(count)s", String(count));
    var status = document.getElementById("bulk-count");
    // The live region speaks when its text changes: only change it when asked to announce,
    // or quietly keep it right.
    if (status && (announce || status.textContent !== text)) status.textContent = text;
  }

  function selectAll(on) {
    boxes().forEach(function (box) { box.checked = on; });
    showSelection(true);
  }

  function toggleFocused() {
    var row = document.activeElement && document.activeElement.closest("tr[data-item]");
    var box = row && row.querySelector("input.app-select");
    if (!box) return false;
    box.checked = !box.checked;
    showSelection(true);
    return true;
  }

  // A step on the selection: with nothing selected, say so instead.
  function onSelection(action) {
    if (!bar) return false;
    if (!chosen().length) {
      var status = document.getElementById("bulk-count");
      if (status) {
        status.textContent = "";
        window.setTimeout(function () { status.textContent = bar.getAttribute("data-empty"); }, 50);
      }
      return true;
    }
    action();
    return true;
  }

  if (bar) {
    document.addEventListener("change", function (event) {
      if (event.target.matches("input.app-select")) showSelection(true);
      else if (event.target.matches("[data-bulk-all]")) selectAll(event.target.checked);
    });
    showSelection(false);
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
      case "x": handled = Boolean(bar) && toggleFocused(); break;
      case "X":
        handled = Boolean(bar) && boxes().length > 0;
        if (handled) selectAll(chosen().length < boxes().length);
        break;
      case "Escape":
        handled = Boolean(bar) && chosen().length > 0;
        if (handled) selectAll(false);
        break;
      case "A": handled = onSelection(function () { press("[data-bulk=acknowledge]"); }); break;
      case "C": handled = onSelection(function () { press("#bulk-reason"); }); break;
      case "P": handled = onSelection(function () { press("#bulk-assignee"); }); break;
      case "S":
        handled = onSelection(function () { document.querySelector("[data-bulk=spam]").focus(); });
        break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });

  var lastSummary = null;
  var focusedItem = null;
  var focusedBox = false;
  var keptSelection = [];
  document.addEventListener("htmx:beforeSwap", function (event) {
    var row = document.activeElement && document.activeElement.closest("tr[data-item]");
    focusedItem = row ? row.getAttribute("data-item") : null;
    focusedBox = Boolean(row) && document.activeElement.matches("input.app-select");
    if (event.target.id === "queue-list") {
      keptSelection = chosen().map(function (box) { return box.value; });
    }
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
    if (event.target.id === "queue-list") {
      // The live refresh keeps what was selected (rows that left the queue drop out).
      keptSelection.forEach(function (id) {
        var box = document.getElementById("select-" + id);
        if (box) box.checked = true;
      });
      showSelection(false);
    }
    if (focusedItem) {
      var selector = 'tr[data-item="' + focusedItem + '"] ' +
        (focusedBox ? "input.app-select" : ".app-queue-link");
      var target = document.querySelector(selector);
      if (target) target.focus();
    }
  });
})();
