"""The supervising office's work after the rules: the roster of who must report, last year's reports, a reviewer's
decisions, and the documents written from the result (letters, the circular 通报 and its roll-ups)."""
