"""PDFium, one call at a time in a process.

PDFium is not thread-safe: no two of its calls may run at once in one process, not even on different documents
(pypdfium2's documentation, "Incompatibility with Threading"; a violation corrupts memory). Nianbao's own workers
and the clerk's page's readers are processes, but a Dask worker checks files in threads
(nianbao.engine.batch.cluster). Every use of PDFium — opening a document, reading a page's text, drawing a page,
closing what was opened — holds `PDFIUM`; other work (OCR, the page builder) runs outside it. What PDFium makes is
closed under the lock too, never left to the garbage collector, which may run in any thread.
"""

from __future__ import annotations

import threading

# Re-entrant: a reader holding it may call a helper that takes it again.
PDFIUM = threading.RLock()
