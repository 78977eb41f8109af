"""Running the cards: one demo in this process (runner), check's worker processes and their
tuning, the card x backend grid, and the plots. The only layer that imports Keras."""
