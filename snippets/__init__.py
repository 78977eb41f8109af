"""The cards: one standalone, tested Keras 3 module per cheatsheet topic.

Each module runs on its own (`python snippets/cnn.py`), imports nothing from this project, and
opens with a keras-io style header (`Title:` and `Description:`) that the tests check.
"""
