// The offline search: the reader's words looked for in the index kb builds per language
// (window.kbSearchIndex, kb/offline/search_index.py), in the browser, with no server. It
// works in the static copy opened from the file system and on the site without a connection.
//
// What it does, and says it does: every word is folded as kb's search folds it (lower case,
// no accents), matched as a whole word or the beginning of one, and, for a word of five
// letters or more that nothing contains, as a word one letter away (said on the page). An
// entry must contain every word found; when none contains them all, entries with some of
// them are shown, and the page says so. Words nothing contains are named, never matched.
"use strict";

(() => {
  const gettext = window.gettext || ((text) => text);
  const ngettext = window.ngettext || ((one, many, count) => (count === 1 ? one : many));
  const interpolate = window.interpolate || ((format, values) =>
    format.replace(/%\((\w+)\)s/g, (_, name) => values[name]));
  const MAX_RESULTS = 50;
  const SHORTEST_PREFIX = 3;
  const SHORTEST_CORRECTED = 5;

  const fold = (text) => text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  const wordsOf = (text) => fold(text).match(/[\p{L}\p{N}]+/gu) || [];

  // Whether two words are one letter apart: one changed, added, removed, or two swapped.
  function oneApart(a, b) {
    if (a === b || Math.abs(a.length - b.length) > 1) return false;
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
    if (a.length === b.length) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true;
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
    }
    const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
    return longer.slice(i + 1) === shorter.slice(i);
  }

  // The index, read once: each document's fields as sets of words, and every word known.
  function prepare(index) {
    const vocabulary = new Set();
    const documents = index.documents.map((document) => {
      const fields = document.words.map((text) => new Set(text ? text.split(" ") : []));
      for (const field of fields) for (const word of field) vocabulary.add(word);
      return { ...document, fields };
    });
    return {
      documents,
      vocabulary: [...vocabulary],
      weights: index.fields.map((field) => field.weight),
      stopwords: new Set(index.stopwords),
    };
  }

  // The known words a reader's word stands for: itself, words it begins, or (when nothing
  // matches and the word is long enough) words one letter away.
  function lookUp(word, prepared) {
    const exact = prepared.vocabulary.filter((known) =>
      known === word || (word.length >= SHORTEST_PREFIX && known.startsWith(word)));
    if (exact.length) return { words: new Set(exact), corrected: [] };
    if (word.length < SHORTEST_CORRECTED) return { words: new Set(), corrected: [] };
    const near = prepared.vocabulary.filter((known) => oneApart(word, known));
    return { words: new Set(near), corrected: near.slice(0, 3) };
  }

  // How well a document matches one looked-up word: the weight of the best field holding it.
  function weightIn(document, found, weights) {
    let best = 0;
    document.fields.forEach((field, position) => {
      if (best >= weights[position]) return;
      for (const word of found.words) {
        if (field.has(word)) { best = weights[position]; return; }
      }
    });
    return best;
  }

  function search(text, prepared) {
    const typed = [...new Set(wordsOf(text))];
    const ignored = typed.filter((word) => prepared.stopwords.has(word));
    const looked = typed.filter((word) => !prepared.stopwords.has(word))
      .map((word) => ({ word, ...lookUp(word, prepared) }));
    const found = looked.filter((item) => item.words.size);
    const missing = looked.filter((item) => !item.words.size).map((item) => item.word);
    const scored = prepared.documents.map((document) => {
      const weights = found.map((item) => weightIn(document, item, prepared.weights));
      return {
        document,
        covered: weights.filter((weight) => weight > 0).length,
        score: weights.reduce((sum, weight) => sum + weight, 0),
      };
    }).filter((row) => row.covered > 0);
    const all = scored.filter((row) => row.covered === found.length);
    const rows = all.length ? all : scored;
    rows.sort((a, b) => b.covered - a.covered || b.score - a.score
      || a.document.title.localeCompare(b.document.title));
    return { typed, ignored, found, missing, rows, everyWord: all.length > 0 || !found.length };
  }

  function paragraph(text) {
    const line = document.createElement("p");
    line.textContent = text;
    return line;
  }

  function quoted(words) {
    return words.map((word) => `“${word}”`).join(", ");
  }

  function addressOf(path, home) {
    // In the static copy each page is a folder's index.html; on the site, the folder itself.
    const copy = home.endsWith("index.html");
    const base = copy ? home.slice(0, -"index.html".length) : home;
    return new URL(base + path + (copy ? "index.html" : ""), document.baseURI).href;
  }

  function show(outcome, text, index, root) {
    const status = root.querySelector("[data-offline-status]");
    const list = root.querySelector("[data-offline-results]");
    status.replaceChildren();
    list.replaceChildren();
    status.append(paragraph(interpolate(
      gettext("Offline search of this copy (content version %(version)s)."),
      { version: index.version }, true)));
    if (outcome.ignored.length) {
      status.append(paragraph(interpolate(gettext("Left out, as too common: %(words)s."),
        { words: quoted(outcome.ignored) }, true)));
    }
    for (const item of outcome.found.filter((found) => found.corrected.length)) {
      status.append(paragraph(interpolate(
        gettext("No entry contains “%(word)s”; searched for %(corrections)s instead."),
        { word: item.word, corrections: quoted(item.corrected) }, true)));
    }
    if (outcome.missing.length) {
      status.append(paragraph(interpolate(gettext("Not found in any entry: %(words)s."),
        { words: quoted(outcome.missing) }, true)));
    }
    if (!outcome.everyWord) {
      status.append(paragraph(gettext(
        "No entry contains all of these words: entries with some of them come first.")));
    }
    const count = outcome.rows.length;
    status.append(paragraph(count
      ? interpolate(ngettext("%(count)s result for “%(query)s”.",
        "%(count)s results for “%(query)s”.", count), { count, query: text }, true)
      : interpolate(gettext("No results for “%(query)s”."), { query: text }, true)));
    const home = root.dataset.home;
    for (const { document: entry } of outcome.rows.slice(0, MAX_RESULTS)) {
      const item = document.createElement("li");
      item.className = "entry-row";
      const kind = paragraph(index.kinds[entry.kind] || entry.kind);
      kind.className = "entry-row__kind";
      const title = document.createElement("h2");
      title.className = "entry-row__title";
      const link = document.createElement("a");
      link.href = addressOf(entry.path, home);
      link.textContent = entry.title;
      const id = document.createElement("span");
      id.className = "entry-id";
      id.textContent = entry.id;
      title.append(link, " ", id);
      item.append(kind, title, paragraph(entry.summary));
      list.append(item);
    }
    if (count > MAX_RESULTS) {
      status.append(paragraph(interpolate(gettext("The first %(shown)s are shown."),
        { shown: MAX_RESULTS }, true)));
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.querySelector("[data-offline-search]");
    const index = window.kbSearchIndex;
    if (!root || !index) return;
    const input = root.querySelector("input[name=q]");
    const text = new URLSearchParams(window.location.search).get("q") || "";
    input.value = text;
    if (!wordsOf(text).length) return;
    show(search(text, prepare(index)), text, index, root);
  });

  // For the tests and the service worker's page: the same search, without a page.
  window.kbOfflineSearch = { fold, wordsOf, oneApart, prepare, search };
})();
