/* The item page: picking a canned answer fills the reply box (the text stays editable). */
(function () {
  "use strict";
  var select = document.getElementById("canned-select");
  if (!select) return;
  select.addEventListener("change", function () {
    var option = select.options[select.selectedIndex];
    var target = document.getElementById(select.getAttribute("data-canned-target"));
    var canned = document.querySelector("input[name=canned]");
    if (!target || !option.value) return;
    target.value = option.getAttribute("data-text");
    if (canned) canned.value = option.value;
    target.focus();
  });
})();

/* The item page: "Use this answer" on a similar earlier question puts its answer in the reply
   box without reloading the page (without scripts the link reloads it with the box filled). */
(function () {
  "use strict";
  var reply = document.getElementById("id_text");
  if (!reply) return;
  document.querySelectorAll("[data-use-answer]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      reply.value = link.getAttribute("data-text");
      var forwarding = document.querySelector("input[name=forwarding]");
      if (forwarding) forwarding.value = "";
      reply.focus();
      reply.dispatchEvent(new Event("input"));
    });
  });
})();

/* Who else is on the item: the page's heartbeat (htmx, every 5 seconds) says "writing" while
   the reply box has focus or text typed, else "viewing", and "left" when the page closes. The list
   is replaced only when it changed, so a screen reader reads out a change once. */
(function () {
  "use strict";
  var box = document.getElementById("item-presence");
  var state = document.getElementById("presence-state");
  if (!box || !state) return;
  var reply = document.getElementById("id_text");

  function update() {
    // Text the page put there (an expert's answer, a suggestion) is not yet anyone's writing.
    var writing = reply && (document.activeElement === reply || reply.value !== reply.defaultValue);
    var next = writing ? "writing" : "viewing";
    if (state.value !== next) {
      state.value = next;
      htmx.trigger(box, "presence-change");
    }
  }
  if (reply) {
    ["focus", "blur", "input"].forEach(function (name) { reply.addEventListener(name, update); });
    update();
  }

  box.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status !== 200) return;
    var parsed = document.createElement("template");
    parsed.innerHTML = event.detail.serverResponse;
    if (parsed.innerHTML.trim() === box.innerHTML.trim()) event.detail.shouldSwap = false;
  });

  window.addEventListener("pagehide", function () {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!navigator.sendBeacon || !token) return;
    var data = new FormData();
    data.append("state", "left");
    data.append("csrfmiddlewaretoken", token.value);
    navigator.sendBeacon(box.getAttribute("hx-post"), data);
  });
})();
