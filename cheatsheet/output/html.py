"""HTML pieces shared by the web page (export), the Anki deck and %cheat's notebook output."""

import html as html_lib
import re

CSS_CLASS = {"keyword": "k", "string": "s", "number": "n", "comment": "c", "name": "f"}


def highlight_html(code):
    """The code HTML-escaped, with keywords, strings, numbers, comments and names in spans."""
    from .render import code_spans

    return "".join(
        f'<span class="{CSS_CLASS[kind]}">{html_lib.escape(text, quote=False)}</span>' if kind
        else html_lib.escape(text, quote=False)
        for text, kind in code_spans(code))


def inline(text):
    """Prose to HTML: escaped, with `backticked` spans as <code>."""
    escaped = html_lib.escape(text, quote=False)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
