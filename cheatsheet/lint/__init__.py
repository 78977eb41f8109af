"""`cheatsheet lint`: tf.keras 2 habits and Keras 3 mistakes in a lab's code, each tied to the
card whose pitfall it is, and the safe fixes.

- rules.py: the table of rules (code, severity, card, message, VALID/INVALID examples that
  tests/lint runs on the installed Keras).
- check.py: detection, one `ast` walk; no Keras import.
- keras_api.py: the installed Keras's public names and layer keywords, read from its files.
- files.py: files, folders, notebooks (code cells; IPython lines masked in place).
- fixes.py: the fixes, applied with LibCST (imported only for --fix and --diff).
- report.py: text, json, sarif and github output; command.py: the command and its exit statuses.
"""
