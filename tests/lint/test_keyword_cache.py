"""lint's cache of layer keywords gives what reading Keras's files gives, sees an edited Keras
file at the next lint, and is never an error: corrupt or unwritable, the files are read."""

import os
import textwrap

import pytest

from cheatsheet.lint import keras_api

LAYERS = ("Dense", "Conv2D", "LSTM", "Embedding", "Dropout", "BatchNormalization", "LeakyReLU",
          "InputLayer", "Activation", "TextVectorization", "NoSuchLayer")


def forget():
    """What one lint process remembers: parsed files, the cache file's contents, its key."""
    for cached in (keras_api._parse, keras_api._stored_keywords, keras_api._keywords_key,
                   keras_api.module_names):
        if hasattr(cached, "cache_clear"):  # not no_parsing's stand-in
            cached.cache_clear()


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    forget()
    yield tmp_path / "cache" / "keras-cheatsheet"
    forget()


def read_from_files(dotted):
    """The answer worked out from Keras's files, no cache: the slow path."""
    found = keras_api.source_of(dotted)
    return None if found is None else keras_api.class_keywords(*found, depth=0)


def no_parsing(monkeypatch):
    def refuse(path):
        raise AssertionError(f"parsed {path}: the cache was not used")

    monkeypatch.setattr(keras_api, "_parse", refuse)


def test_the_cache_gives_what_reading_the_files_gives(cache_home, monkeypatch):
    fresh = {name: keras_api.keyword_names(f"keras.layers.{name}") for name in LAYERS}
    assert fresh == {name: read_from_files(f"keras.layers.{name}") for name in LAYERS}
    assert fresh["Dense"] >= {"units", "activation", "name", "dtype"}
    assert fresh["NoSuchLayer"] is None
    assert (cache_home / f"lint-keras-{package_version()}.marshal").is_file()
    forget()
    no_parsing(monkeypatch)  # a new lint process: every answer from the file
    assert {name: keras_api.keyword_names(f"keras.layers.{name}") for name in LAYERS} == fresh


def package_version():
    from cheatsheet import __version__

    return __version__


def fake_keras(root, dense_arguments):
    """A Keras tree of one public layer, `keras.layers.Dense`, whose __init__ takes these."""
    (root / "keras" / "layers").mkdir(parents=True)
    (root / "keras" / "src" / "layers").mkdir(parents=True)
    (root / "keras" / "layers" / "__init__.py").write_text(
        "from keras.src.layers.dense import Dense as Dense\n")
    write_dense(root, dense_arguments)
    return str(root / "keras")


def write_dense(root, arguments):
    (root / "keras" / "src" / "layers" / "dense.py").write_text(textwrap.dedent(f"""\
        class Dense:
            def __init__(self, {arguments}):
                pass
        """))


def test_an_edited_keras_file_is_read_again(cache_home, tmp_path, monkeypatch):
    directory = fake_keras(tmp_path, "units, activation=None")
    monkeypatch.setattr(keras_api, "keras_directory", lambda: directory)
    assert keras_api.keyword_names("keras.layers.Dense") == {"units", "activation"}
    forget()
    assert keras_api.keyword_names("keras.layers.Dense") == {"units", "activation"}
    write_dense(tmp_path, "units, activation=None, use_bias=True")
    forget()
    assert keras_api.keyword_names("keras.layers.Dense") == {"units", "activation", "use_bias"}
    os.remove(tmp_path / "keras" / "src" / "layers" / "dense.py")
    forget()
    assert keras_api.keyword_names("keras.layers.Dense") is None  # gone: not the stored answer


@pytest.mark.parametrize("damage", ["corrupt", "unwritable"])
def test_a_broken_cache_is_never_an_error(cache_home, damage):
    want = keras_api.keyword_names("keras.layers.Dense")
    path = cache_home / f"lint-keras-{package_version()}.marshal"
    if damage == "corrupt":
        path.write_bytes(b"\x00not marshal")
    else:  # a file where the folder should be: no cache can be read or written (even by root)
        path.unlink()
        cache_home.rmdir()
        cache_home.write_text("")
    forget()
    assert keras_api.keyword_names("keras.layers.Dense") == want
    if damage == "corrupt":  # and it was written afresh
        forget()
        assert keras_api._stored_keywords()["keras.layers.Dense"][0] == tuple(sorted(want))
