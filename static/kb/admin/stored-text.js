// A source's stored text in the admin: the text selected in it becomes the passage of the
// "Cite a passage" form. Loaded as a file (the Content-Security-Policy allows no inline
// script); without it, curators paste the passage themselves.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const text = document.getElementById("stored-text");
  const form = document.getElementById("cite-passage-form");
  const passage = form && form.querySelector("textarea[name=quote]");
  if (!text || !passage) {
    return;
  }
  // "selectionchange" follows mouse, keyboard and touch selections alike (phones included).
  document.addEventListener("selectionchange", () => {
    const selection = document.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) {
      return;
    }
    const range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) {
      return;
    }
    // Paragraph numbers are list markers, never part of the selection; a passage across
    // paragraphs keeps one break between them, which the quote check reads as a space.
    passage.value = selection.toString().replace(/[ \t]+/g, " ").replace(/\n\s*\n+/g, "\n").trim();
  });
});
