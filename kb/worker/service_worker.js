// kb's service worker (docs/offline.md). kb.worker.views serves it at /service-worker.js with
// `const KB = {...}` before this text: each language's addresses, the static files, a version.
//
// - Pages (GET navigations): stale-while-revalidate. A page opened before is shown at once
//   from this device, even on a 400 ms round trip, and fetched again behind it, so the next
//   visit shows what the server has now (and the page says at once when it has changed);
//   a page never opened waits for the network, and
//   without one gets the offline page of its language (or, for a search, the offline search
//   when the knowledge base is saved). Only what the server lets anyone keep is kept: never
//   `no-store` (everything sent to a signed-in editor), `private` (the suggestion form, whose
//   CSRF token is the reader's own), errors, redirects or anything but HTML: what the
//   server's own page cache keeps (kb/caching), and no more.
// - Static files: cache-first when their name carries its content's hash (production),
//   otherwise stale-while-revalidate; the strings of the scripts likewise.
// - "Save for offline": the whole published knowledge base in one language, one cache per
//   edition (content version). A newer edition is saved beside the one held, which is
//   dropped only once the new one is complete.
// - The admin and the API are never kept; the admin's pages are only watched for the
//   `no-store` that says someone is signed in, so that they are never shown a stale page.

const STATIC_CACHE = `kb-static-${KB.version}`;
const SHELL_CACHE = "kb-shell"; // each language's offline page and script strings
const PAGES_CACHE = "kb-pages"; // the pages the reader opened
const SAVED = "kb-saved-"; // kb-saved-<language>-<edition>: a saved knowledge base
const STATE_CACHE = "kb-state"; // what the worker must remember when it is stopped
const SIGNED_IN = "/service-worker/signed-in";
const HASHED = /\.[0-9a-f]{12}\.[a-z0-9]+$/; // ManifestStaticFilesStorage's names
const CHECK_EVERY = 10 * 60 * 1000; // how often pages look for a new edition, at most
const PARALLEL = 4; // downloads at a time while saving

const saving = new Map(); // language -> {done, total, bytes}
const checked = new Map(); // language -> when its edition was last compared
const refreshed = new Set(); // languages whose shell was fetched since the worker started
let signedIn = null; // null: not read from STATE_CACHE yet

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC_CACHE)
      .then((cache) => cache.addAll(KB.static))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("kb-static-") && name !== STATIC_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    if (url.pathname.startsWith("/admin/")) event.respondWith(watched(request));
    else event.respondWith(page(event, url));
  } else if (url.pathname.startsWith(KB.static_url)) {
    event.respondWith(staticFile(event, url));
  } else if (Object.values(KB.languages).some((shell) => shell.catalog === url.pathname)) {
    event.respondWith(fresh(event, SHELL_CACHE));
  } else if (Object.values(KB.languages).some((shell) => shell.search_index === url.pathname)) {
    event.respondWith(searchIndex(event, url));
  }
});

self.addEventListener("message", (event) => {
  const { kb: action, language, url } = event.data || {};
  if (!Object.hasOwn(KB.languages, language)) return;
  if (action === "visit") {
    // Quietly: a page opened offline is no error, and the other pages need no news of it.
    event.waitUntil(visit(language, url).catch(() => {}));
    return;
  }
  const work = {
    status: async () => {},
    check: () => checkEdition(language, true),
    save: () => save(language),
    remove: () => remove(language),
  }[action];
  if (!work) return;
  event.waitUntil(
    work()
      .then(() => report(language))
      .catch((error) => report(language, String(error.message || error))),
  );
});

// --- Pages -------------------------------------------------------------------------------

function languageOf(url) {
  for (const [code, shell] of Object.entries(KB.languages)) {
    if (code !== KB.default && url.pathname.startsWith(shell.home)) return code;
  }
  return KB.default;
}

function pageKey(url) {
  const key = new URL(url);
  key.hash = "";
  return key.href;
}

function keepable(response) {
  const control = response.headers.get("Cache-Control") || "";
  return (
    response.status === 200 &&
    response.type === "basic" &&
    !response.redirected &&
    (response.headers.get("Content-Type") || "").startsWith("text/html") &&
    !/no-store|private/.test(control)
  );
}

async function isSignedIn() {
  if (signedIn === null) signedIn = Boolean(await caches.match(SIGNED_IN, { cacheName: STATE_CACHE }));
  return signedIn;
}

// Everything sent to a signed-in session is `no-store` (kb/web/security.py): while that is
// so, pages come from the network first, and a page they saw is never kept.
async function noteSession(response) {
  if (response.type !== "basic" || response.status === 0) return;
  const now = /no-store/.test(response.headers.get("Cache-Control") || "");
  if (now === (await isSignedIn())) return;
  signedIn = now;
  const state = await caches.open(STATE_CACHE);
  if (now) await state.put(SIGNED_IN, new Response("1"));
  else await state.delete(SIGNED_IN);
}

async function watched(request) {
  const response = await fetch(request);
  await noteSession(response);
  return response;
}

async function fromNetwork(request, url) {
  const response = await fetch(request);
  await noteSession(response);
  const pages = await caches.open(PAGES_CACHE);
  if (keepable(response)) await pages.put(pageKey(url), response.clone());
  else if (response.status === 404 || response.status === 410) await pages.delete(pageKey(url));
  return response;
}

// The newest copy of a page on this device: the one last opened, or the saved edition's.
async function findPage(url) {
  const key = pageKey(url);
  const found = [await caches.match(key, { cacheName: PAGES_CACHE })];
  for (const name of await savedCaches(languageOf(url))) {
    found.push(await caches.match(key, { cacheName: name }));
  }
  const copies = found.filter(Boolean);
  const date = (response) => Date.parse(response.headers.get("Date") || "") || 0;
  copies.sort((a, b) => date(b) - date(a));
  return copies[0];
}

async function page(event, url) {
  const language = languageOf(url);
  const network = fromNetwork(event.request, url);
  event.waitUntil(network.then(() => checkEdition(language, false)).catch(() => {}));
  if (await isSignedIn()) {
    try {
      return await network;
    } catch {
      return (await findPage(url)) || offline(url, language);
    }
  }
  const copy = await findPage(url);
  if (copy) {
    event.waitUntil(tellIfChanged(event, copy.clone(), network).catch(() => {}));
    return copy;
  }
  try {
    return await network;
  } catch {
    return offline(url, language);
  }
}

// The copy shown was kept before the page changed (a new version published, say): tell
// the page, which offers the newer one (site.js). The next visit shows it anyway.
async function tellIfChanged(event, shown, network) {
  const response = await network;
  if (!keepable(response)) return;
  if ((await shown.text()) === (await response.text())) return;
  const client = await self.clients.get(event.resultingClientId);
  if (client) client.postMessage({ kb: "updated", url: event.request.url });
}

async function offline(url, language) {
  const shell = KB.languages[language];
  if (url.pathname === shell.search) {
    const record = await savedRecord(language);
    if (record && record.search) {
      const search = await caches.match(record.search, { cacheName: record.cache });
      if (search) return search;
    }
  }
  const shown = await caches.match(shell.offline, { cacheName: SHELL_CACHE })
    || await caches.match(KB.languages[KB.default].offline, { cacheName: SHELL_CACHE });
  return shown || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
}

// A page told the worker it was opened (the first page is opened before the worker runs):
// keep it, and the offline page and script strings of its language.
async function visit(language, address) {
  const shell = KB.languages[language];
  const cache = await caches.open(SHELL_CACHE);
  if (!refreshed.has(language)) {
    refreshed.add(language);
    for (const wanted of [shell.offline, shell.catalog]) {
      const response = await fetch(wanted);
      if (response.ok && !/no-store/.test(response.headers.get("Cache-Control") || "")) {
        await cache.put(wanted, response);
      }
    }
  }
  if (address) {
    const url = new URL(address);
    if (url.origin === self.location.origin && !url.pathname.startsWith("/admin/")) {
      if (!(await findPage(url))) await fromNetwork(new Request(url.href), url);
    }
  }
  await checkEdition(language, false);
}

// --- Static files ------------------------------------------------------------------------

async function staticFile(event, url) {
  const copy = await caches.match(event.request);
  if (copy && HASHED.test(url.pathname)) return copy;
  return fresh(event, STATIC_CACHE, copy);
}

async function fresh(event, cacheName, copy) {
  copy = copy || await caches.match(event.request);
  const network = fetch(event.request).then(async (response) => {
    if (response.ok && response.type === "basic" && !/no-store/.test(response.headers.get("Cache-Control") || "")) {
      await (await caches.open(cacheName)).put(event.request, response.clone());
    }
    return response;
  });
  if (copy) {
    event.waitUntil(network.catch(() => {}));
    return copy;
  }
  return network;
}

// The offline search's index (a script the offline search page loads): the saved edition's,
// so that what it finds is what the saved pages hold, else the network's. A page the worker
// does not answer goes to the network, which offline fails: the saved search page then
// found nothing at all.
async function searchIndex(event, url) {
  const record = await savedRecord(languageOf(url));
  const copy = record && await caches.match(url.pathname, { cacheName: record.cache });
  return copy || fetch(event.request);
}

// --- Saved knowledge base ----------------------------------------------------------------

function recordKey(language) {
  return `/service-worker/saved/${language}`;
}

async function savedCaches(language) {
  return (await caches.keys()).filter((name) => name.startsWith(`${SAVED}${language}-`));
}

// The saved copy a language has, complete: its manifest, when it was saved, its size.
async function savedRecord(language) {
  for (const name of await savedCaches(language)) {
    const record = await caches.match(recordKey(language), { cacheName: name });
    if (record) return { ...(await record.json()), cache: name };
  }
  return null;
}

async function fetchManifest(language) {
  const response = await fetch(KB.languages[language].manifest, { cache: "no-cache" });
  if (!response.ok) throw new Error(`manifest ${response.status}`);
  return response.json();
}

async function checkEdition(language, now) {
  if (!now && Date.now() - (checked.get(language) || 0) < CHECK_EVERY) return;
  const record = await savedRecord(language);
  if (!record || saving.has(language)) return;
  const manifest = await fetchManifest(language);
  checked.set(language, Date.now());
  if (manifest.edition.id !== record.edition.id) await save(language, manifest);
}

async function save(language, manifest) {
  if (saving.has(language)) return;
  const progress = { done: 0, total: 0, bytes: 0 };
  saving.set(language, progress);
  try {
    manifest = manifest || await fetchManifest(language);
    const name = `${SAVED}${language}-${manifest.edition.id}`;
    const cache = await caches.open(name);
    const addresses = [...new Set([...manifest.pages, ...manifest.files])];
    progress.total = addresses.length;
    let last = 0;
    const one = async (address) => {
      // A download cut off half-way is taken up where it stopped: what is saved stays.
      let response = await cache.match(address);
      if (!response) {
        response = await fetch(address);
        if (/no-store/.test(response.headers.get("Cache-Control") || "")) throw new Error("signed-in");
        if (!response.ok || response.redirected) throw new Error(`${address}: ${response.status}`);
        await cache.put(address, response.clone());
      }
      progress.bytes += (await response.blob()).size;
      progress.done += 1;
      if (Date.now() - last > 250) {
        last = Date.now();
        await report(language);
      }
    };
    const queue = [...addresses];
    await Promise.all(Array.from({ length: PARALLEL }, async () => {
      while (queue.length) await one(queue.shift());
    }));
    const record = { ...manifest, saved_at: new Date().toISOString(), bytes: progress.bytes, count: manifest.pages.length };
    await cache.put(recordKey(language), new Response(JSON.stringify(record), { headers: { "Content-Type": "application/json" } }));
    // Only now is the edition held before let go of.
    for (const other of await savedCaches(language)) if (other !== name) await caches.delete(other);
  } finally {
    saving.delete(language);
  }
  // Whoever started it (a page's button, or a page opened online), every page hears of it.
  await report(language);
}

async function remove(language) {
  for (const name of await savedCaches(language)) await caches.delete(name);
}

async function visited(language) {
  const cache = await caches.open(PAGES_CACHE);
  const pages = [];
  for (const request of await cache.keys()) {
    if (languageOf(new URL(request.url)) !== language) continue;
    const text = await (await cache.match(request)).text();
    const title = (text.match(/<title>([^<]*)<\/title>/) || [])[1] || request.url;
    pages.push({ url: request.url, title });
  }
  return pages;
}

async function report(language, error) {
  const record = await savedRecord(language);
  const message = {
    kb: "status",
    language,
    saved: record && { edition: record.edition, saved_at: record.saved_at, bytes: record.bytes, count: record.count, search: record.search },
    saving: saving.get(language) || null,
    visited: await visited(language),
    error: error || null,
  };
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) client.postMessage(message);
}
