import keras
import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from snippets import transformer

from ..kerastest import assert_trains_and_round_trips
from .keep_models import run_demo_keeping_models


@pytest.fixture(scope="module")
def demo_run():
    result, models = run_demo_keeping_models(transformer, "build_classifier")
    return result, models[0]


def embeddings(batch=4, time=6, embed_dim=32, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, time, embed_dim)).astype("float32")


def test_block_output_shape_equals_input_shape_with_no_training_argument():
    block = transformer.TransformerBlock(embed_dim=32, num_heads=4, ff_dim=64)
    x = embeddings()
    assert block(x).shape == x.shape  # the seed's call(inputs, training) raised TypeError here


def test_attention_uses_key_dim_embed_dim_over_num_heads():
    embed_dim, heads = 32, 4
    block = transformer.TransformerBlock(embed_dim=embed_dim, num_heads=heads, ff_dim=64)
    block(embeddings(embed_dim=embed_dim))
    assert block.attention.count_params() == 4 * (embed_dim * embed_dim + embed_dim) == 4_224
    # The seed's key_dim=embed_dim: query, key and value each project to heads * embed_dim.
    seed_form = 3 * (embed_dim * heads * embed_dim + heads * embed_dim) + (
        heads * embed_dim * embed_dim + embed_dim)
    assert seed_form == 16_800 and seed_form / 4_224 > 3.9


def test_inference_is_deterministic_and_training_mode_applies_dropout():
    block = transformer.TransformerBlock(embed_dim=32, num_heads=4, ff_dim=64, rate=0.3)
    x = embeddings()
    first, second, default = (keras.ops.convert_to_numpy(out) for out in (
        block(x, training=False), block(x, training=False), block(x)))
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first, default)
    train_a = keras.ops.convert_to_numpy(block(x, training=True))
    train_b = keras.ops.convert_to_numpy(block(x, training=True))
    assert not np.allclose(train_a, train_b) and not np.allclose(train_a, first)


def test_config_rebuilds_an_equal_block():
    block = transformer.TransformerBlock(embed_dim=16, num_heads=2, ff_dim=8, rate=0.2,
                                         name="encoder_1")
    clone = transformer.TransformerBlock.from_config(block.get_config())
    assert (clone.name, clone.embed_dim, clone.num_heads, clone.ff_dim, clone.rate) == (
        "encoder_1", 16, 2, 8, 0.2)


def test_classifier_round_trips_through_a_keras_file_with_identical_outputs(tmp_path):
    model = transformer.build_classifier(maxlen=5, vocab_size=10, embed_dim=8, num_heads=2,
                                         ff_dim=8)
    rng = np.random.default_rng(2)
    tokens = rng.integers(0, 10, size=(8, 5)).astype("int32")
    reloaded = assert_trains_and_round_trips(model, tokens, np.arange(8) % 2, tmp_path)
    block = next(layer for layer in reloaded.layers if "TransformerBlock" in type(layer).__name__)
    assert block.get_config()["num_heads"] == 2


def test_classifier_learns_whether_token_7_occurs(demo_run):
    result, model = demo_run
    # Plain random sequences, labelled here: about half contain a 7, some of them several.
    tokens = np.random.default_rng(99).integers(1, 20, size=(1000, 12)).astype("int32")
    labels = (tokens == 7).any(axis=1).astype(int)
    assert 0.3 < labels.mean() < 0.7
    predicted = np.argmax(model.predict(tokens, verbose=0), axis=-1)
    assert accuracy_score(labels, predicted) >= 0.9
    assert result["value"] >= result["target"] == 0.9


# The card's save/reload pitfalls are claims about Keras itself: each is checked on a tiny
# layer wrapping one Dense, saved inside a model to .keras and loaded back.
class Scaled(keras.layers.Layer):
    """units and scale are an int and a float; build() builds the sublayer; no get_config()."""

    def __init__(self, units, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units, self.scale = units, scale
        self.dense = keras.layers.Dense(units)

    def build(self, input_shape):
        self.dense.build(input_shape)

    def call(self, inputs):
        return self.scale * self.dense(inputs)


@keras.saving.register_keras_serializable(package="cardtest")
class ScaledRegistered(Scaled):
    pass


@keras.saving.register_keras_serializable(package="cardtest")
class ScaledNoKwargs(Scaled):
    def __init__(self, units, scale=1.0):  # no **kwargs: loading passes name=, trainable=, ...
        super().__init__(units, scale)


@keras.saving.register_keras_serializable(package="cardtest")
class ScaledNoBuild(Scaled):
    build = keras.layers.Layer.build  # the Dense inside is left to be built at the first call


SAVE_INPUTS = np.random.default_rng(3).normal(size=(8, 3)).astype("float32")
SAVE_TARGETS = np.random.default_rng(4).normal(size=(8, 1)).astype("float32")


def saved_model_with(layer, tmp_path, fit=False):
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(layer(inputs)))
    if fit:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
        model.fit(SAVE_INPUTS, SAVE_TARGETS, epochs=1, batch_size=8, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    return model, path


@pytest.mark.parametrize("layer, cause", [
    (ScaledNoKwargs(4), "unexpected keyword argument"),
    (Scaled(4), "Could not locate class 'Scaled'"),
], ids=["init-without-kwargs", "unregistered"])
def test_reload_fails_without_kwargs_or_registration(layer, cause, tmp_path):
    _, path = saved_model_with(layer, tmp_path)
    with pytest.raises(TypeError, match="could not be deserialized") as raised:
        keras.saving.load_model(path)
    assert cause in str(raised.value)


def test_registered_layer_with_int_and_float_args_reloads_without_get_config(tmp_path):
    assert ScaledRegistered.get_config is keras.layers.Layer.get_config  # none of its own
    model, path = saved_model_with(ScaledRegistered(4, scale=2.5), tmp_path)
    reloaded = keras.saving.load_model(path)  # silent: a warning would fail this test
    layer = reloaded.layers[1]
    assert (type(layer), layer.units, layer.scale) == (ScaledRegistered, 4, 2.5)
    np.testing.assert_array_equal(reloaded.predict(SAVE_INPUTS, verbose=0),
                                  model.predict(SAVE_INPUTS, verbose=0))


def test_layer_without_build_warns_unbuilt_state_yet_reloads_weights_and_optimizer(tmp_path):
    model, path = saved_model_with(ScaledNoBuild(4), tmp_path, fit=True)
    with pytest.warns(UserWarning, match="unbuilt state"):
        reloaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(reloaded.predict(SAVE_INPUTS, verbose=0),
                                  model.predict(SAVE_INPUTS, verbose=0))
    saved, loaded = model.optimizer.variables, reloaded.optimizer.variables
    assert len(loaded) == len(saved) == 10  # iterations, learning rate, 2 moments x 4 weights
    for before, after in zip(saved, loaded, strict=True):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(after),
                                      keras.ops.convert_to_numpy(before))
