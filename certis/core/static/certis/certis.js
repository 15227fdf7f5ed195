// Behaviour every page shares, kept out of the HTML so that the Content-Security-Policy allows no inline
// script. <select data-submit-on-change> submits its form when changed (the language switch); a
// <button data-print> prints the page (the approval document).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-submit-on-change") && field.form) {
      field.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof Element && target.closest("[data-print]")) {
      window.print();
    }
  });
})();
