"""What the commands write: rendered text, HTML pieces, the one safe file writer, lab scripts,
exports (Markdown, notebook, web page, Anki deck) and shell completion scripts."""
