// "Add to handout": the tactics a reader picks for a printed handout, kept in this browser
// (localStorage: no account, nothing sent to the server). The header's "Handout (3)" opens
// /handout/?ids=…, whose address then holds the choice and can be shared; moving or removing
// a tactic there updates what this browser keeps. Without scripts the buttons stay hidden.
"use strict";

(() => {
  const KEY = "kb-handout";

  const chosen = () => {
    try {
      const ids = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(ids) ? ids.filter((id) => typeof id === "string") : [];
    } catch {
      return [];
    }
  };

  const keep = (ids) => {
    try {
      localStorage.setItem(KEY, JSON.stringify(ids));
    } catch {
      // Storage refused (private mode, full): the handout's address still works.
    }
  };

  const show = () => {
    const ids = chosen();
    for (const tray of document.querySelectorAll("[data-handout-tray]")) {
      const address = new URL(tray.href, location.href);
      address.search = ids.length ? `?ids=${ids.join(",")}` : "";
      tray.href = address.pathname + address.search;
      tray.querySelector("[data-handout-count]").textContent = String(ids.length);
      tray.hidden = ids.length === 0;
    }
    for (const button of document.querySelectorAll("button[data-handout-add]")) {
      const added = ids.includes(button.dataset.handoutAdd);
      button.textContent = added ? button.dataset.labelRemove : button.dataset.labelAdd;
      button.classList.toggle("handout-add--added", added);
      button.hidden = false;
    }
  };

  document.addEventListener("DOMContentLoaded", () => {
    show();
    for (const button of document.querySelectorAll("button[data-handout-add]")) {
      button.addEventListener("click", () => {
        const id = button.dataset.handoutAdd;
        const ids = chosen();
        keep(ids.includes(id) ? ids.filter((other) => other !== id) : [...ids, id]);
        show();
      });
    }
    // On a handout, "Move up", "Move down" and "Remove" lead to the handout with the new
    // order: that order becomes what this browser keeps.
    for (const link of document.querySelectorAll("a[data-handout-ids]")) {
      link.addEventListener("click", () => {
        const ids = new URL(link.href).searchParams.get("ids") || "";
        keep(ids.split(",").filter(Boolean));
      });
    }
    // Another tab added or removed a tactic.
    window.addEventListener("storage", (event) => {
      if (event.key === KEY) show();
    });
  });
})();
