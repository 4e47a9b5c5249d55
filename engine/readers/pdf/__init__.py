"""PDF internals: the reader (`reader`, through pdfminer.six without layout analysis), its content-stream tokenizer
(`content`), the bounds pdfminer does not keep (`guard`), and the report's own pages as pictures (`pages`)."""
