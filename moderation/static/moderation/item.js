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
