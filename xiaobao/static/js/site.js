// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // 朗读本页: read the main content aloud with the browser's own speech synthesis, where it exists.
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-read-aloud]");
    if (!button) return;
    if (!("speechSynthesis" in window)) { button.hidden = true; return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (window.speechSynthesis.speaking) { window.speechSynthesis.cancel(); return; }
      var target = document.querySelector(button.getAttribute("data-read-aloud")) || document.getElementById("main");
      var utterance = new SpeechSynthesisUtterance(target.innerText);
      utterance.lang = document.documentElement.lang || "zh-CN";
      window.speechSynthesis.speak(utterance);
    });
  });
  // Dialogs close with Esc.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("dialog[open]").forEach(function (d) { d.close(); });
  });
})();

// Complaint pages: small enhancements over pages that work without them.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Controls that need htmx (the institution search box) appear only when htmx has loaded.
    if (window.htmx) {
      document.querySelectorAll("[data-enhance]").forEach(function (el) { el.hidden = false; });
    }
    // 打印本页 on the receipt: only where the browser can print.
    document.querySelectorAll("[data-print]").forEach(function (button) {
      if (typeof window.print !== "function") return;
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    // After a failed submit, move focus to the list of errors so a screen reader reads it first.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  });
})();
