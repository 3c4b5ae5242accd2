"""Recognition: what is heard without a transcript (Whisper, an endpoint, pocketsphinx's words,
phones heard without words); ``recognizers`` decides which recogniser hears."""
