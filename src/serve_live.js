// niemyet serve: reload this page after each rebuild; show build errors over the page.
// Added only by `niemyet serve`, never to a built site.
(function () {
  "use strict";
  var version = null;
  var box = null;

  function overlay(text) {
    if (!text) {
      if (box) { box.remove(); box = null; }
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "alert");
      box.id = "niemyet-errors";
      var s = box.style;
      s.position = "fixed"; s.inset = "0"; s.zIndex = "2147483647"; s.overflow = "auto";
      s.background = "rgba(20,20,20,.94)"; s.color = "#fff"; s.padding = "1.5rem";
      s.font = "14px/1.45 ui-monospace, Menlo, Consolas, monospace"; s.whiteSpace = "pre-wrap";
      document.body.appendChild(box);
    }
    var shown = document.body.hasAttribute("data-niemyet-unbuilt")
      ? "the site has not been built yet." : "this is the last good version of the page.";
    box.textContent = "niemyet: the content has errors; " + shown + "\n" +
      "Fix the file and save: the page reloads by itself.\n\n" + text;
  }

  function poll() {
    var url = "/__niemyet/wait" + (version === null ? "" : "?v=" + version);
    fetch(url, { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (version !== null && s.version !== version && !s.errors) {
          location.reload();
          return;
        }
        version = s.version;
        overlay(s.errors);
        poll();
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
