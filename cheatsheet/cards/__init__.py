"""The cards as text: their file format, the index built from it, the study order, their code
as the tests run it, and search. Never imports Keras: every lookup lives here."""
