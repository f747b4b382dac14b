// Report page (/admin/reports): the print button. Everything else is drawn by the server.
"use strict";

(() => {
  const button = document.getElementById("print-report");
  if (button) button.addEventListener("click", () => window.print());
})();
