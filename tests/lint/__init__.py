"""cheatsheet lint: its rules proven on the installed Keras, its output, fixes and exits."""
