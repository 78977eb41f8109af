"""`export`: Markdown, notebook and one web page, all built from the tested snippet files."""

import base64
import html
import json
import re
from html.parser import HTMLParser

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cheatsheet.cards import index
from cheatsheet.cards.source import SnippetSource
from cheatsheet.errors import CheatsheetError
from cheatsheet.output import export

from . import browser

TOPICS = [card.topic for card in index.CARDS]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# A real 1x1 PNG, for the tests that check embedding rather than plotting.
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def exported(cli, tmp_path, format, *topics, name=None):
    path = tmp_path / (name or f"sheet{export.EXTENSIONS[format]}")
    result = cli("export", "--format", format, "--out", str(path), *topics)
    assert result.status == 0, result.err
    return path.read_text(encoding="utf-8")


def copy_ready(card):
    return SnippetSource.of(card).copy_ready(card.functions)


# -- Markdown -------------------------------------------------------------------------------------

def test_markdown_has_every_card_in_roadmap_order_with_note_code_and_pitfalls(cli, tmp_path):
    text = exported(cli, tmp_path, "markdown")
    sections = [section for section, _, _ in index.cards_by_section()]
    section_positions = [text.index(f"\n## {section}\n") for section in sections]
    assert section_positions == sorted(section_positions)
    card_positions = [text.index(f"\n### {card.title}\n") for card in index.CARDS]
    assert card_positions == sorted(card_positions)
    for card, start, end in zip(index.CARDS, card_positions, card_positions[1:] + [len(text)],
                                strict=True):
        block = text[start:end]
        assert card.note in block
        assert f"```python\n{copy_ready(card)}```" in block  # the tested code, verbatim
        assert all(f"- {pitfall}" in block for pitfall in card.pitfalls)
        assert f"cheatsheet copy {card.topic}" in block


@pytest.mark.parametrize("topics", [(), ("basics",)], ids=["all", "one"])
def test_markdown_links_point_at_headings(cli, tmp_path, topics):
    text = exported(cli, tmp_path, "markdown", *topics)
    anchors = {export.slug(heading) for heading in re.findall(r"^#+ (.+)$", text, re.M)}
    links = re.findall(r"\]\(#([^)]+)\)", text)
    assert links and set(links) <= anchors
    assert export.slug("Convolutional neural network (CNN)") == "convolutional-neural-network-cnn"


def test_topics_choose_cards_and_roadmap_order_wins(cli, tmp_path):
    text = exported(cli, tmp_path, "markdown", "softmax", "basics", "activations")
    assert text.count("\n### ") == 2
    assert text.index("### Neural-network basics") < text.index("### Activation functions")
    only = exported(cli, tmp_path, "markdown", "relu", name="only.md")
    assert "### Activation functions" in only and "### Neural-network basics" not in only


def test_a_fence_outlasts_backticks_in_the_code():
    assert export.fence("x = '```'").startswith("````python\n")
    assert export.fence("x = 1") == "```python\nx = 1\n```"


# -- Notebook -------------------------------------------------------------------------------------

def test_notebook_is_valid_nbformat_4(cli, tmp_path):
    text = exported(cli, tmp_path, "notebook")
    notebook = nbformat.reads(text, as_version=4)
    nbformat.validate(notebook)
    assert notebook.nbformat == 4
    assert json.loads(text)["nbformat_minor"] == 5


def test_notebook_has_note_code_and_demo_cells_per_card(cli, tmp_path):
    notebook = nbformat.reads(exported(cli, tmp_path, "notebook"), as_version=4)
    cells = {cell.id: cell for cell in notebook.cells}
    order = [cell.id for cell in notebook.cells]
    for card in index.CARDS:
        note, code, demo = (cells[f"{card.topic}-{part}"] for part in ("note", "code", "demo"))
        assert order.index(note.id) + 1 == order.index(code.id) == order.index(demo.id) - 1
        assert note.cell_type == "markdown" and card.note in note.source
        assert all(pitfall in note.source for pitfall in card.pitfalls)
        source = SnippetSource.of(card)
        assert code.cell_type == "code" and code.source + "\n" == source.body()
        for name in card.functions:  # the functions `show` prints are there, verbatim
            assert source.definition(name) in code.source
        assert "__main__" not in code.source  # it would rerun the demo on every execution
        assert demo.cell_type == "code" and "demo(" in demo.source
        compile(code.source, code.id, "exec")
        compile(demo.source, demo.id, "exec")
    sections = [cell.source.splitlines()[0] for cell in notebook.cells
                if cell.id.startswith("section-")]
    assert sections == [f"## {section}" for section, _, _ in index.cards_by_section()]


# -- HTML, checked as text ------------------------------------------------------------------------

class Page(HTMLParser):
    """Every tag with its attributes, the ids, and the text of each <pre><code>."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags, self.ids, self.codes, self._code, self.text = [], set(), [], None, []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "code" and self.tags[-2][0] == "pre":
            self._code = []

    def handle_endtag(self, tag):
        if tag == "code" and self._code is not None:
            self.codes.append("".join(self._code))
            self._code = None

    def handle_data(self, data):
        self.text.append(data)
        if self._code is not None:
            self._code.append(data)


def test_html_is_self_contained_and_holds_every_card(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "default_png", lambda name, seed=0: TINY_PNG)
    text = exported(cli, tmp_path, "html")
    page = Page(text)
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    for tag, attrs in page.tags:
        assert tag not in ("link", "iframe", "object", "embed", "base")
        assert not (tag == "script" and "src" in attrs), "scripts are inline"
        if "href" in attrs:
            assert attrs["href"].startswith("#") and attrs["href"][1:] in page.ids
        if "src" in attrs:
            assert attrs["src"].startswith("data:image/png;base64,")
            assert base64.b64decode(attrs["src"].split(",", 1)[1]) == TINY_PNG
    articles = [attrs["id"] for tag, attrs in page.tags if tag == "article"]
    assert articles == [f"card-{topic}" for topic in TOPICS]
    toc_links = [attrs["href"] for tag, attrs in page.tags if tag == "a"
                 and attrs["href"].startswith("#card-")]
    assert toc_links[:len(TOPICS)] == [f"#card-{topic}" for topic in TOPICS]
    assert page.codes == [copy_ready(card).rstrip("\n") for card in index.CARDS]
    words = "".join(page.text)
    for card in index.CARDS:
        assert card.title in words and card.note.replace("`", "") in words
        assert all(pitfall.replace("`", "") in words for pitfall in card.pitfalls)
    buttons = [attrs for tag, attrs in page.tags if tag == "button"]
    assert len(buttons) == len(TOPICS) and "@media print" in text


def test_html_of_some_cards_links_only_within_itself():
    page = Page(export.page([index.find("basics")], png=lambda name, seed=0: TINY_PNG))
    hrefs = [attrs["href"] for _, attrs in page.tags if "href" in attrs]
    assert hrefs and all(href[1:] in page.ids for href in hrefs)
    assert "Activation functions (activations)" in "".join(page.text)  # see-also, unlinked


def test_html_plots_go_to_their_cards_and_degrade_to_a_note(monkeypatch):
    cards = [index.find("activations")]
    asked = []

    def png(name, seed=0):
        asked.append((name, seed))
        return TINY_PNG

    assert 'src="data:image/png;base64,' in export.page(cards, png=png)
    assert asked == [("activations", 0)]
    assert "<img" not in export.page([index.find("basics")], png=png)  # trained plots: none

    def no_tensorflow(name, seed=0):
        raise CheatsheetError("'plot' needs TensorFlow with Keras 3")

    page = export.page(cards, png=no_tensorflow)
    assert "<img" not in page
    assert "Plot \"activations\" not embedded: 'plot' needs TensorFlow" in html.unescape(page)


def test_only_cards_with_a_plot_that_needs_no_training_get_one():
    from cheatsheet.demos import plots

    schedule = index.CARDS[0]._replace(topic="lr-schedule")
    assert export.plotted(schedule) == ("lr-schedule" if "lr-schedule" in plots.PLOTS else None)
    assert export.plotted(index.find("activations")) == "activations"
    assert "learning-curves" not in export.PLOTTED_CARDS  # it trains a model first


def test_html_code_is_highlighted_and_escaped():
    code = 'def f(x):  # a < b & c\n    """Doc\n    string."""\n    return x < 2 and "<b>"\n'
    marked = export.highlight_html(code)
    assert '<span class="k">def</span> <span class="f">f</span>' in marked
    assert '<span class="c"># a &lt; b &amp; c</span>' in marked
    assert '<span class="s">"&lt;b&gt;"</span>' in marked and '<span class="n">2</span>' in marked
    assert "<b>" not in marked
    assert html.unescape(re.sub(r"<[^>]+>", "", marked)) == code


@settings(max_examples=100, deadline=None)
@given(code=st.one_of(st.text(), st.text(alphabet="def x=1.5 #'\"\n\\<>&():")))
def test_highlighting_never_changes_the_text(code):
    marked = export.highlight_html(code)
    assert html.unescape(re.sub(r"<[^>]+>", "", marked)) == code
    assert "<" not in re.sub(r"</?span[^>]*>", "", marked)


def test_export_refuses_to_overwrite_without_force(cli, tmp_path):
    target = tmp_path / "sheet.md"
    target.write_bytes(b"my notes\n")
    result = cli("export", "--format", "markdown", "--out", str(target))
    assert result.status == 1 and "already exists; use --force" in result.err
    assert target.read_bytes() == b"my notes\n"
    forced = cli("export", "--format", "markdown", "--out", str(target), "--force")
    assert forced.status == 0
    assert forced.out == f"saved {len(TOPICS)} card(s) as markdown to {target}\n"
    assert target.read_text().startswith("# Keras 3 deep-learning cheatsheet")


def test_export_into_a_directory_and_bad_arguments(cli, tmp_path):
    assert cli("export", "--format", "notebook", "--out", str(tmp_path)).status == 0
    assert (tmp_path / "cheatsheet.ipynb").is_file()
    assert cli("export", "--format", "pdf", "--out", str(tmp_path / "x")).status == 2
    assert cli("export", "--format", "markdown").status == 2
    unknown = cli("export", "--format", "markdown", "--out", str(tmp_path / "x.md"), "cnnn")
    assert unknown.status == 1 and unknown.err.startswith("Error: no card named 'cnnn'")
    assert not (tmp_path / "x.md").exists()


# -- HTML, in a real browser ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def chromium():
    binary = browser.executable()
    if binary is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium; .ci/run does)")
    session = browser.Browser(binary)
    yield session
    session.close()


def is_blank(png):
    """True for a screenshot of one flat colour (or nearly: less than 1% of pixels differ)."""
    import io

    import matplotlib.image

    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")[..., :3]
    background = pixels[0, 0]
    differs = (abs(pixels - background).sum(axis=-1) > 0.1).mean()
    return pixels.std() < 0.02 or differs < 0.01


@pytest.mark.slow
def test_html_page_renders_in_chromium_without_errors(cli, tmp_path, chromium):
    text = exported(cli, tmp_path, "html")
    chromium.open((tmp_path / "sheet.html").as_uri(), width=1280, height=1600)
    assert chromium.problems() == []
    assert all(url.startswith(("file:", "data:")) for url in chromium.requests())
    shot = chromium.screenshot()
    assert shot.startswith(PNG_MAGIC) and not is_blank(shot)
    assert chromium.evaluate("document.querySelectorAll('article.card').length") == len(TOPICS)
    images = chromium.evaluate(
        "Array.from(document.images).map(image => image.complete && image.naturalWidth > 0)")
    assert all(images) and len(images) == text.count("<img ")
    # The copy button puts exactly the card's tested code on the clipboard.
    chromium.send("Browser.grantPermissions", {"permissions": [
        "clipboardReadWrite", "clipboardSanitizedWrite"]}, session=False)
    for number, card in enumerate(index.CARDS[:2]):
        chromium.evaluate(f"document.querySelectorAll('button.copy')[{number}].click()")
        chromium.drain(0.2)
        assert chromium.evaluate("navigator.clipboard.readText()", await_promise=True) == \
            copy_ready(card).rstrip("\n")
    # Printed: no buttons, and it lays out onto pages.
    chromium.send("Emulation.setEmulatedMedia", {"media": "print"})
    assert chromium.evaluate(
        "getComputedStyle(document.querySelector('button.copy')).display") == "none"
    pdf = base64.b64decode(chromium.send("Page.printToPDF", {"preferCSSPageSize": True})["data"])
    assert pdf.startswith(b"%PDF") and not is_blank(chromium.screenshot())
    chromium.send("Emulation.setEmulatedMedia", {"media": ""})
    assert chromium.problems() == []


@pytest.mark.slow
def test_the_browser_check_catches_script_errors_and_network_fetches(tmp_path, chromium):
    """The check above can fail: a broken script and a remote image are both reported."""
    page = export.page([index.find("basics")])
    broken = page.replace("</body>", '<script>notDefined();</script>'
                                     '<img src="http://example.invalid/x.png"></body>')
    (tmp_path / "broken.html").write_text(broken, encoding="utf-8")
    chromium.open((tmp_path / "broken.html").as_uri())
    problems = "\n".join(chromium.problems())
    assert "ReferenceError: notDefined is not defined" in problems
    assert "http://example.invalid/x.png" in problems  # blocked by the page's own CSP
    assert is_blank(TINY_PNG) and not is_blank(chromium.screenshot())
