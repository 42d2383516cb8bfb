"""Reading without a connection: the service worker that keeps the pages a reader opened,
the offline page shown for the rest, and the manifest that saves the whole published
knowledge base in one language on the reader's device (docs/offline.md)."""
