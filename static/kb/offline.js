// The "Save for offline" page (/offline/, templates/kb/offline.html): what this device holds,
// saving and removing the whole knowledge base in the page's language. The work is the
// service worker's (kb/worker/service_worker.js), which reports here as it goes.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const root = document.querySelector("[data-offline]");
  if (!root || !("serviceWorker" in navigator)) return;
  const gettext = window.gettext || ((text) => text);
  const interpolate = window.interpolate || ((text, values) => text.replace(/%\((\w+)\)s/g, (_, key) => values[key]));
  const language = root.dataset.offline;
  const find = (name) => root.querySelector(`[data-offline-${name}]`);
  const saveButton = find("save");
  const removeButton = find("remove");
  const progress = find("progress");
  const error = find("error");
  let saving = false;

  // Shown in place of a page that is not saved: say so.
  if (location.pathname !== root.dataset.offlinePath) find("missing").hidden = false;

  const size = (bytes) => bytes < 1024 * 1024
    ? interpolate(gettext("%(size)s KB"), { size: Math.max(1, Math.round(bytes / 1024)) }, true)
    : interpolate(gettext("%(size)s MB"), { size: (bytes / 1024 / 1024).toFixed(1) }, true);
  const textOf = (html) => new DOMParser().parseFromString(html, "text/html").documentElement.textContent;
  const when = (iso) => new Date(iso).toLocaleString(document.documentElement.lang, { dateStyle: "long", timeStyle: "short" });

  const send = async (action) => {
    const registration = await navigator.serviceWorker.ready;
    registration.active.postMessage({ kb: action, language, url: location.href });
  };

  const show = (status) => {
    for (const panel of root.querySelectorAll("[data-offline-panel]")) panel.hidden = false;
    find("unsupported").hidden = true;
    const saved = status.saved;
    find("none").hidden = Boolean(saved);
    const held = find("held");
    held.hidden = !saved;
    if (saved) {
      held.textContent = interpolate(
        gettext("Saved on this device: %(edition)s, %(pages)s pages, %(size)s, saved on %(date)s."),
        { edition: saved.edition.label, pages: saved.count, size: size(saved.bytes), date: when(saved.saved_at) },
        true,
      );
    }
    const search = find("search");
    search.hidden = !(saved && saved.search);
    if (saved && saved.search) search.querySelector("a").href = saved.search;
    removeButton.hidden = !saved;
    saving = Boolean(status.saving);
    saveButton.disabled = saving || !navigator.onLine;
    saveButton.textContent = saved
      ? gettext("Check for a new edition now")
      : gettext("Save the knowledge base on this device");
    progress.hidden = !saving;
    if (saving) {
      const bar = progress.querySelector("progress");
      bar.max = status.saving.total || 1;
      bar.value = status.saving.done;
      progress.querySelector("span").textContent = interpolate(
        gettext("Saving: %(done)s of %(total)s, %(size)s so far"),
        { done: status.saving.done, total: status.saving.total || "…", size: size(status.saving.bytes) },
        true,
      );
    }
    error.hidden = !status.error;
    if (status.error) {
      error.textContent = status.error === "signed-in"
        ? gettext("Sign out first: pages shown to a signed-in editor are never saved.")
        : gettext("Saving stopped before the end (the connection may have dropped). Try again: what was saved is kept.");
    }
    const list = find("visited");
    list.replaceChildren(...status.visited.map((visit) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = visit.url;
      link.textContent = textOf(visit.title);
      item.append(link);
      return item;
    }));
    find("no-visits").hidden = status.visited.length > 0;
  };

  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.kb === "status" && event.data.language === language) show(event.data);
  });
  saveButton.addEventListener("click", async () => {
    // Ask the browser not to clear the saved copy when space runs short.
    if (navigator.storage && navigator.storage.persist) await navigator.storage.persist();
    send(removeButton.hidden ? "save" : "check");
  });
  removeButton.addEventListener("click", () => send("remove"));
  window.addEventListener("online", () => send("check"));
  window.addEventListener("offline", () => { saveButton.disabled = true; });
  send(navigator.onLine ? "check" : "status");
});
