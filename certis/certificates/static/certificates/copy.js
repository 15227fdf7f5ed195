// Copy buttons: <button data-copy="ID of a text field">. Shown only where the clipboard can be written to.
(function () {
  "use strict";
  function ready() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      if (!navigator.clipboard) return;
      button.hidden = false;
      if (button.dataset.copyBound) return;
      button.dataset.copyBound = "1";
      button.addEventListener("click", function () {
        var field = document.getElementById(button.dataset.copy);
        if (!field) return;
        var label = button.textContent;
        navigator.clipboard.writeText(field.value).then(function () {
          button.textContent = button.dataset.copied || label;
          setTimeout(function () { button.textContent = label; }, 2000);
        }, function () { field.select(); });
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
