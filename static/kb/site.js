// Small conveniences on top of pages that work without JavaScript.
"use strict";

// Django's JavaScript catalog (/jsi18n/, loaded before this file) translates these texts; without it, English.
const gettext = window.gettext || ((text) => text);

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
        button.textContent = gettext("Copied");
      } catch {
        button.textContent = gettext("Select the text above and copy it");
      }
      setTimeout(() => { button.textContent = label; }, 2500);
    });
  }
});

// Filter forms apply as soon as a box is ticked or an order picked. Each form says so first
// (a change of page should never come as a surprise), the Apply button stays for those who
// prefer it and for pages without scripts. After the new page loads, where the filters sit
// beside the results the focus is back on the control that was changed, so keyboard and
// screen reader users keep their place; where they follow the results (a phone), the page
// lands on the results instead, which are what changed, with the focus on their count (the
// "Filter and sort" link just below it leads back to the filters).
document.addEventListener("DOMContentLoaded", () => {
  const changed = sessionStorage.getItem("kb-changed-control");
  if (changed) {
    sessionStorage.removeItem("kb-changed-control");
    const control = document.getElementById(changed);
    const results = document.querySelector(".list-layout__results");
    const filters = document.querySelector(".list-layout__filters");
    const count = results && results.querySelector(".result-count");
    if (count && filters && filters.getBoundingClientRect().top >= results.getBoundingClientRect().bottom) {
      count.tabIndex = -1;
      count.focus({ preventScroll: true });
      // Once every script has settled the page (handout.js hides an empty handout tray above).
      setTimeout(() => results.scrollIntoView({ block: "start" }), 0);
    } else if (control) {
      control.focus();
    }
  }
  for (const form of document.querySelectorAll("form[data-apply-on-change]")) {
    const note = form.querySelector(".filters__note");
    if (note) note.hidden = false;
    form.addEventListener("change", (event) => {
      const control = event.target;
      if (!control.matches("input[type=checkbox], input[type=radio], select")) return;
      if (control.id) sessionStorage.setItem("kb-changed-control", control.id);
      form.requestSubmit();
    });
  }
});

// A first visit to the home page offers the browser's language when kb has it and the page
// is in another; it never switches by itself (an address always shows what it showed when
// it was shared). Saying no, or choosing, is remembered on this device.
document.addEventListener("DOMContentLoaded", () => {
  const offer = document.querySelector("[data-language-offer]");
  if (!offer || localStorage.getItem("kb-language-offer")) return;
  const page = document.documentElement.lang;
  for (const wanted of navigator.languages || []) {
    const code = wanted.toLowerCase().split("-")[0];
    if (code === page) return;
    const line = offer.querySelector(`[data-offer="${code}"]`);
    if (!line) continue;
    line.hidden = false;
    offer.hidden = false;
    const remember = () => localStorage.setItem("kb-language-offer", "answered");
    line.querySelector("a").addEventListener("click", remember);
    line.querySelector("[data-offer-dismiss]").addEventListener("click", () => {
      remember();
      offer.hidden = true;
    });
    return;
  }
});

// Every page the reader opens stays readable offline, and the whole knowledge base can be
// saved (/offline/): the service worker at the site's root (kb/worker/, docs/offline.md),
// registered once the page has loaded so that it never slows the page down. It is told of
// this page, which it did not see arrive on a first visit.
// Not in the offline copy (kb.offline.links marks its pages): its files are its own, on the
// reader's disk or a static host that has no worker.
if ("serviceWorker" in navigator && !document.documentElement.hasAttribute("data-offline-copy")) {
  // The worker showed the copy this device kept, and the server's page turned out newer.
  navigator.serviceWorker.addEventListener("message", (event) => {
    const notice = document.querySelector("[data-page-updated]");
    if (notice && event.data && event.data.kb === "updated" && event.data.url === location.href) {
      notice.hidden = false;
    }
  });
  window.addEventListener("load", async () => {
    try {
      await navigator.serviceWorker.register("/service-worker.js");
      const registration = await navigator.serviceWorker.ready;
      registration.active.postMessage({ kb: "visit", language: document.documentElement.lang, url: location.href });
    } catch {
      // Without a worker every page works as before, online.
    }
  });
}
