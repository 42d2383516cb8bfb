// Small conveniences on top of pages that work without JavaScript.
"use strict";

// "Copy" buttons next to citations: the text stays selectable by hand; the button copies it.
document.addEventListener("DOMContentLoaded", () => {
  if (!navigator.clipboard) return;
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const source = document.getElementById(button.dataset.copy);
    if (!source) continue;
    const label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.textContent);
        button.textContent = "Copied";
      } catch {
        button.textContent = "Select the text above and copy it";
      }
      setTimeout(() => { button.textContent = label; }, 2500);
    });
  }
});
