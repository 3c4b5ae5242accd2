"""Alignment: a piece's words, as phones, placed in time (the learned aligner, pocketsphinx,
the live aligner), with the fallbacks; ``aligners`` decides which aligner times the words."""
