/* 打印纸质凭证: [data-print] buttons open the browser's print dialog (no inline scripts: CSP). */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
