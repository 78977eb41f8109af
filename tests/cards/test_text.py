import math
import re
import sys

import keras
import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score

from snippets import text

from ..kerastest import assert_trains_and_round_trips

BACKEND = keras.backend.backend()


def only_on(backend):
    """The marker naming the backend a test is about, and a skip on every other backend."""
    marker = getattr(pytest.mark, f"{backend}_only")
    skip = pytest.mark.skipif(BACKEND != backend, reason=f"about the {backend} backend")
    return lambda test: marker(skip(test))


@pytest.fixture(scope="module")
def demo_run():
    """The demo, run once, with the vectorizer and the model it made."""
    keras.utils.set_random_seed(0)
    kept = {}
    make_vectorizer, build = text.make_vectorizer, text.build_text_classifier

    def keep_vectorizer(*args, **kwargs):
        kept["vectorizer"] = make_vectorizer(*args, **kwargs)
        return kept["vectorizer"]

    def keep_model(*args, **kwargs):
        kept["model"] = build(*args, **kwargs)
        return kept["model"]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(text, "make_vectorizer", keep_vectorizer)
        patch.setattr(text, "build_text_classifier", keep_model)
        result = text.demo()
    return result, kept["vectorizer"], kept["model"]


def numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


def words_of(sentence):
    """Lower case, punctuation dropped, split on spaces: written here, not read from Keras."""
    return re.sub(r"[^\w\s]", "", sentence.lower()).split()


def label_by_rule(sentence):
    """1 when the review is positive: a positive adjective without 'not', or a negative one with."""
    words = words_of(sentence)
    positive = any(word in ("good", "great", "fun", "moving", "clever", "lovely")
                   for word in words)
    return int(positive != ("not" in words))


def test_vectorizer_ids_are_a_vocabulary_lookup_with_0_padding_and_1_unknown():
    sentences = ["The film was GOOD!", "the plot was not good.", "the film was dull"]
    vectorizer = text.make_vectorizer(sentences, sequence_length=8)
    vocabulary = vectorizer.get_vocabulary()
    distinct = {word for sentence in sentences for word in words_of(sentence)}
    assert vocabulary[:2] == ["", "[UNK]"] and set(vocabulary[2:]) == distinct
    assert vectorizer.vocabulary_size() == len(distinct) + 2
    queries = ["The film was not SUPERB...", "dull"]
    ids = numpy(vectorizer(queries))
    for row, sentence in zip(ids, queries, strict=True):
        by_hand = [vocabulary.index(w) if w in vocabulary else 1 for w in words_of(sentence)]
        assert list(row) == by_hand + [0] * (8 - len(by_hand))  # 'superb' is unknown: 1


def test_vectorizer_runs_tensorflow_and_returns_this_backends_tensor():
    vectorizer = text.make_vectorizer(["a b c"])
    ids = vectorizer(["a b"])
    assert "tensorflow" in sys.modules  # TextVectorization is TensorFlow code on every backend
    assert keras.ops.is_tensor(ids)


@only_on("jax")
def test_on_jax_the_vectorizer_gives_a_jax_array():
    import jax

    assert isinstance(text.make_vectorizer(["a b c"])(["a b"]), jax.Array)


@only_on("torch")
def test_on_torch_the_vectorizer_gives_a_torch_tensor():
    import torch

    assert isinstance(text.make_vectorizer(["a b c"])(["a b"]), torch.Tensor)


@only_on("tensorflow")
def test_on_tensorflow_the_vectorizer_gives_a_tf_tensor():
    import tensorflow as tf

    assert isinstance(text.make_vectorizer(["a b c"])(["a b"]), tf.Tensor)


def test_position_encoding_equals_the_closed_form():
    length, depth = 20, 16
    by_formula = np.zeros((length, depth))
    for pos in range(length):
        for i in range(depth // 2):
            by_formula[pos, 2 * i] = math.sin(pos / 10000 ** (2 * i / depth))
            by_formula[pos, 2 * i + 1] = math.cos(pos / 10000 ** (2 * i / depth))
    encoding = numpy(text.sinusoidal_position_encoding(length, depth))
    np.testing.assert_allclose(encoding, by_formula, atol=2e-5)
    x = np.random.default_rng(0).normal(size=(2, length, depth)).astype("float32")
    np.testing.assert_allclose(numpy(text.PositionEncoding()(x)), x + by_formula, atol=2e-5)


def attention_scores(mask_zero, ids):
    token_ids = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(10, 8, mask_zero=mask_zero)(token_ids)
    _, scores = keras.layers.MultiHeadAttention(2, key_dim=4)(x, x, return_attention_scores=True)
    return numpy(keras.Model(token_ids, scores)(ids))  # (batch, heads, query, key)


def test_mask_zero_becomes_an_attention_mask_no_word_attends_to_padding():
    ids = np.array([[3, 4, 5, 0, 0, 0], [6, 7, 0, 0, 0, 0]], dtype="int32")
    padding = ids == 0
    masked = attention_scores(True, ids)
    for row in range(2):
        real = ~padding[row]
        assert np.all(masked[row][:, real][:, :, padding[row]] == 0)  # real queries, pad keys
        np.testing.assert_allclose(masked[row][:, real].sum(-1), 1, rtol=1e-5)
    unmasked = attention_scores(False, ids)
    assert np.all(unmasked[0][:, :3][:, :, 3:] > 0)  # without the mask, padding gets weight


def test_masked_average_pooling_is_the_mean_of_the_real_words_only():
    ids = np.array([[3, 4, 5, 0, 0], [6, 0, 0, 0, 0]], dtype="int32")
    token_ids = keras.Input(shape=(None,), dtype="int32")
    embedding = keras.layers.Embedding(10, 4, mask_zero=True)
    model = keras.Model(token_ids, keras.layers.GlobalAveragePooling1D()(embedding(token_ids)))
    table = numpy(embedding.embeddings)
    by_numpy = np.stack([table[row[row != 0]].mean(axis=0) for row in ids])
    np.testing.assert_allclose(numpy(model(ids)), by_numpy, rtol=1e-5, atol=1e-6)


def test_a_custom_layer_without_supports_masking_warns_and_drops_the_mask():
    class Scale(keras.layers.Layer):
        def call(self, x):
            return x * 2.0

    token_ids = keras.Input(shape=(5,), dtype="int32")
    embedded = keras.layers.Embedding(10, 4, mask_zero=True)(token_ids)
    with pytest.warns(UserWarning, match="destroy the mask"):
        Scale()(embedded)
    kept = text.PositionEncoding()(embedded)  # supports_masking = True: no warning, mask kept
    assert getattr(kept, "_keras_mask", None) is not None


def log_odds(model, ids):
    """log(p / (1 - p)) of the sigmoid output: a trained model's p sits near 0 or 1."""
    p = float(numpy(model(ids))[0, 0])
    return math.log(p / (1 - p))


def pooled(model, ids):
    """The model's features after GlobalAveragePooling1D, before the Dense head."""
    pool = next(layer for layer in model.layers
                if isinstance(layer, keras.layers.GlobalAveragePooling1D))
    return numpy(keras.Model(model.input, pool.output)(ids))[0]


def test_same_sentence_padded_to_other_lengths_same_prediction_only_when_masked(demo_run):
    _, vectorizer, model = demo_run
    ids = numpy(vectorizer(["the plot was not really good"]))[0]
    words = ids[ids != 0]
    assert len(words) == 6
    batches = [np.pad(words, (0, n))[None] for n in (0, 6, 14)]  # lengths 6, 12 and 20
    masked = [log_odds(model, batch) for batch in batches]
    np.testing.assert_allclose(masked, masked[0], atol=1e-4)  # float rounding only
    for batch in batches[1:]:
        np.testing.assert_allclose(pooled(model, batch), pooled(model, batches[0]), atol=1e-5)
    unmasked = text.build_text_classifier(vectorizer.vocabulary_size(), mask_zero=False)
    unmasked.set_weights(model.get_weights())  # the same weights, only the mask differs
    plain = [log_odds(unmasked, batch) for batch in batches]
    assert plain[0] == pytest.approx(masked[0], abs=1e-4)  # no padding: nothing to mask
    for padded, batch in zip(plain[1:], batches[1:], strict=True):
        # Both move by orders of magnitude more than the masked model's rounding (~1e-6).
        assert abs(padded - plain[0]) > 1e-4
        assert np.abs(pooled(unmasked, batch) - pooled(unmasked, batches[0])).max() > 1e-2


def test_embedding_input_dim_is_the_vocabulary_size_with_padding_and_unknown(demo_run):
    _, vectorizer, model = demo_run
    sentences, _ = text.review_sentences(1000, seed=0)  # the demo's training text
    distinct = {word for sentence in sentences for word in words_of(sentence)}
    embedding = next(layer for layer in model.layers if isinstance(layer, keras.layers.Embedding))
    assert embedding.input_dim == vectorizer.vocabulary_size() == len(distinct) + 2


def test_generated_labels_follow_the_not_flips_the_adjective_rule():
    sentences, labels = text.review_sentences(300, seed=5)
    assert [label_by_rule(sentence) for sentence in sentences] == list(labels)
    assert 0.4 < labels.mean() < 0.6


def test_demo_classifies_fresh_reviews_by_the_rule(demo_run):
    result, vectorizer, model = demo_run
    sentences, _ = text.review_sentences(500, seed=42)
    labels = [label_by_rule(sentence) for sentence in sentences]
    predicted = (numpy(model.predict(numpy(vectorizer(sentences)), verbose=0))[:, 0] > 0.5)
    assert accuracy_score(labels, predicted.astype(int)) >= 0.9
    assert result["value"] >= result["target"] == 0.9 and result["higher_is_better"]


def test_a_linear_bag_of_words_misses_the_target_words_must_combine():
    train, y_train = text.review_sentences(1000, seed=0)
    test, y_test = text.review_sentences(500, seed=1)
    counts = CountVectorizer().fit(train)
    linear = LogisticRegression(max_iter=1000).fit(counts.transform(train), y_train)
    # Right on the three quarters without 'not', wrong on the negated quarter: about 0.75.
    assert 0.65 < accuracy_score(y_test, linear.predict(counts.transform(test))) < 0.8


def test_classifier_round_trips_with_its_position_encoding_layer(tmp_path):
    model = text.build_text_classifier(vocabulary_size=12)
    ids = np.array([[2, 3, 4, 0], [5, 6, 0, 0]] * 4, dtype="int32")
    assert_trains_and_round_trips(model, ids, np.arange(8) % 2, tmp_path)
