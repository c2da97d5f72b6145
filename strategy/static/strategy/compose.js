// The compose page: counts each chosen channel's text as its platform does while the user
// types (X counts every link as 23 characters), shows the hashtag limit, and hides the
// variant boxes of channels not chosen. The server checks the same rules again.
(function () {
  "use strict";
  var limitsNode = document.getElementById("post-limits");
  if (!limitsNode) return;
  var limits = JSON.parse(limitsNode.textContent);
  var form = document.querySelector(".post-compose");
  var common = form.querySelector(".post-text");
  var link = form.querySelector(".post-link");
  var url = /https?:\/\/\S+/g;
  var hashtag = /(^|[^\w&])#\w+/g;
  // The sentences come translated from the page (data attributes of the form).
  function say(name, used, limit) {
    return form.dataset[name].replace("{used}", used).replace("{limit}", limit);
  }

  function fullText(platform, text) {
    var rules = limits[platform];
    var address = (link && link.value || "").trim();
    text = text.trim();
    if (!address || rules.link_in !== "text" || text.indexOf(address) !== -1) return text;
    return text ? text + "\n\n" + address : address;
  }

  function length(platform, text) {
    var rules = limits[platform];
    if (!rules.url_length) return Array.from(text).length;
    var links = text.match(url) || [];
    return Array.from(text.replace(url, "")).length + rules.url_length * links.length;
  }

  function update() {
    form.querySelectorAll(".post-variant-group").forEach(function (group) {
      var id = group.dataset.channel;
      var box = form.querySelector('.post-channel[value="' + id + '"]');
      group.hidden = !(box && box.checked);
      var variant = group.querySelector(".post-variant");
      var platform = variant.dataset.platform;
      var rules = limits[platform];
      var counter = group.querySelector(".post-count");
      if (!rules) return;
      var text = fullText(platform, variant.value.trim() ? variant.value : common.value);
      var used = length(platform, text);
      var parts = [say("countChars", used, rules.max_length)];
      var over = used > rules.max_length;
      if (rules.max_hashtags) {
        var tags = (text.match(hashtag) || []).length;
        parts.push(say("countTags", tags, rules.max_hashtags));
        over = over || tags > rules.max_hashtags;
      }
      counter.textContent = parts.join(" · ") + (over ? " — " + form.dataset.over : "");
      counter.classList.toggle("post-count--over", over);
    });
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
