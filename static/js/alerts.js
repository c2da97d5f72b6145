/* The header's unread count (polled by htmx) and the opt-in alerts of the monitor on duty: once
   turned on (the browser's permission, remembered in this browser's localStorage), a new unread
   notification or a new item assigned to the person shows the browser's notice and plays a
   short tone made with the Web Audio API (no sound file, nothing fetched). Changes are read out
   politely; focus never moves. */
(function () {
  "use strict";
  var slot = document.getElementById("header-unread");
  if (!slot) return;
  var toggle = document.querySelector("[data-alerts-toggle]");
  var announcer = document.getElementById("alerts-announcer");
  var ON = "alerts:on", SEEN_NOTE = "alerts:note", SEEN_ITEM = "alerts:item";
  var supported = "Notification" in window;
  var lastUnread = null;
  var audio = null;

  function stored(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function store(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, String(value));
    } catch (e) { /* storage off: alerts last for this page only */ }
  }
  function alertsOn() {
    return supported && stored(ON) === "1" && Notification.permission === "granted";
  }
  function say(text) {
    if (!announcer) return;
    // Emptied first, so the same sentence twice is read out twice.
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function tone() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try {
      audio = audio || new Context();
      if (audio.state === "suspended") audio.resume();
      var start = audio.currentTime + 0.01;
      [880, 660].forEach(function (frequency, index) {
        var oscillator = audio.createOscillator();
        var gain = audio.createGain();
        var at = start + index * 0.18;
        oscillator.type = "sine";
        oscillator.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, at);
        gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.16);
        oscillator.connect(gain);
        gain.connect(audio.destination);
        oscillator.start(at);
        oscillator.stop(at + 0.17);
      });
    } catch (e) { /* no sound: the notice still shows */ }
  }
  // Browsers start sound only after a gesture on the page: the first key or click allows it.
  function unlock() {
    if (alertsOn() && !audio) {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (Context) audio = new Context();
    }
    if (audio && audio.state === "suspended") audio.resume();
  }
  document.addEventListener("keydown", unlock, { once: true });
  document.addEventListener("pointerdown", unlock, { once: true });

  function notice(title, body, url, tag) {
    try {
      var shown = new Notification(title, { body: body, tag: tag, lang: document.documentElement.lang });
      shown.onclick = function () { window.focus(); window.location.href = url; shown.close(); };
    } catch (e) { /* some browsers allow notices only from a service worker */ }
  }

  function showToggle() {
    if (!toggle || !supported) return;
    toggle.hidden = false;
    toggle.textContent = toggle.getAttribute(alertsOn() ? "data-label-on" : "data-label-off");
  }

  if (toggle) {
    toggle.addEventListener("click", function () {
      if (alertsOn()) {
        store(ON, null);
        showToggle();
        say(toggle.getAttribute("data-said-off"));
        return;
      }
      Notification.requestPermission().then(function (permission) {
        if (permission === "granted") {
          store(ON, "1");
          store(SEEN_ITEM, null);  // from now on: items assigned after this moment
          tone();
          say(toggle.getAttribute("data-said-on"));
          htmx.trigger(slot, "alerts-changed");
        } else {
          store(ON, null);
          say(toggle.getAttribute("data-said-blocked"));
        }
        showToggle();
      });
    });
  }
  showToggle();

  // What this browser has seen goes with each poll; the answer says what is new since.
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt !== slot) return;
    var note = stored(SEEN_NOTE), item = stored(SEEN_ITEM);
    if (note) event.detail.parameters.after = note;
    if (alertsOn()) {
      event.detail.parameters.alerts = "1";
      if (item) event.detail.parameters.item = item;
    }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.elt !== slot) return;
    var link = slot.querySelector("[data-unread]");
    if (!link) return;
    var unread = parseInt(link.getAttribute("data-unread"), 10) || 0;
    var alerted = false;
    if (alertsOn()) {
      slot.querySelectorAll("[data-fresh-notes] [data-note]").forEach(function (note) {
        notice(note.getAttribute("data-title"), note.textContent, note.getAttribute("data-url"),
               "note-" + note.getAttribute("data-note"));
        alerted = true;
      });
      var items = slot.querySelector("[data-fresh-items]");
      if (items) {
        notice(items.getAttribute("data-title"), items.textContent, items.getAttribute("data-url"),
               "items-" + link.getAttribute("data-latest-item"));
        alerted = true;
      }
      if (alerted) tone();
    }
    store(SEEN_NOTE, link.getAttribute("data-latest-note"));
    if (link.hasAttribute("data-latest-item")) store(SEEN_ITEM, link.getAttribute("data-latest-item"));
    if (lastUnread !== null && unread > lastUnread) say(link.textContent.trim());
    lastUnread = unread;
  });
})();
