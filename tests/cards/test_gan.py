import warnings

import keras
import numpy as np
import pytest

from snippets import gan

from .keep_models import run_demo_keeping_models


@pytest.fixture(scope="module")
def demo_run():
    result, generators = run_demo_keeping_models(gan, "build_generator")
    return result, generators[0]


def weights(model):
    return [np.array(w) for w in model.get_weights()]


def learned(model):
    """Kernels, biases, gamma and beta: not BatchNormalization's moving statistics, which the
    fakes for the discriminator's turn update (they are drawn in training mode)."""
    return [keras.ops.convert_to_numpy(v) for v in model.trainable_variables]


def changed(before, after):
    return any(not np.array_equal(a, b) for a, b in zip(before, after, strict=True))


def test_seed_generator_maps_100_dim_noise_to_28x28x1_images_in_tanh_range():
    generator = gan.build_generator()
    dense = [layer for layer in generator.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [256, 512, 1024, 784]
    assert [layer.negative_slope for layer in generator.layers
            if isinstance(layer, keras.layers.LeakyReLU)] == pytest.approx([0.2, 0.2, 0.2])
    assert [layer.momentum for layer in generator.layers
            if isinstance(layer, keras.layers.BatchNormalization)] == [0.8, 0.8, 0.8]
    by_hand = sum((fan_in + 1) * units for fan_in, units in
                  [(100, 256), (256, 512), (512, 1024), (1024, 784)]) + 4 * (256 + 512 + 1024)
    assert generator.count_params() == by_hand
    noise = np.random.default_rng(0).normal(scale=50.0, size=(4, 100)).astype("float32")
    images = generator.predict_on_batch(noise)  # huge noise: the output still cannot leave [-1, 1]
    assert images.shape == (4, 28, 28, 1)
    assert images.min() >= -1.0 and images.max() <= 1.0


def test_train_step_updates_each_network_only_in_its_own_turn():
    generator = gan.build_generator(noise_dim=4, output_shape=(3,), hidden_units=(8,),
                                    output_activation="linear")
    discriminator = gan.build_discriminator(input_shape=(3,), hidden_units=(8,))
    stacked = gan.build_gan(generator, discriminator)
    snapshots = {}
    stacked_train_on_batch = stacked.train_on_batch

    def watched(*args, **kwargs):  # the generator's turn: record both networks around it
        snapshots["before"] = weights(discriminator), learned(generator)
        loss = stacked_train_on_batch(*args, **kwargs)
        snapshots["after"] = weights(discriminator), learned(generator)
        return loss

    stacked.train_on_batch = watched
    start = weights(discriminator), learned(generator)
    real = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    d_loss, g_loss = gan.train_step(generator, discriminator, stacked, real,
                                    np.random.default_rng(1))
    assert np.isfinite(d_loss) and np.isfinite(g_loss)
    assert changed(start[0], snapshots["before"][0])  # discriminator's turn: it learned ...
    assert not changed(start[1], snapshots["before"][1])  # ... and the generator did not
    assert not changed(snapshots["before"][0], snapshots["after"][0])  # frozen discriminator
    assert changed(snapshots["before"][1], snapshots["after"][1])  # generator learned


def normal_quantiles(size, mean=4.0, std=0.5):
    """The exact N(mean, std) quantiles at (i + 0.5) / size: a reference with no sampling noise."""
    from scipy import stats

    return stats.norm.ppf((np.arange(size) + 0.5) / size, mean, std)


def test_toy_gan_matches_the_whole_distribution_within_0_2_wasserstein(demo_run):
    from scipy import stats

    result, generator = demo_run
    assert len(result["history"]["g_loss"]) == 150  # the bounded number of steps
    noise = np.random.default_rng(42).normal(size=(4000, generator.input_shape[1]))
    samples = generator.predict(noise.astype("float32"), verbose=0).ravel()
    distance = stats.wasserstein_distance(samples, normal_quantiles(4000))
    assert distance <= 0.15  # measured 0.11 at seed 0: a margin under the card's 0.2
    assert 3.75 <= samples.mean() <= 4.25 and 0.35 <= samples.std() <= 0.65  # 3.98, 0.37
    assert result["value"] <= result["target"] == 0.2


def test_a_generator_collapsed_onto_4_misses_the_target_that_its_mean_would_pass():
    from scipy import stats

    collapsed = np.full(4000, 4.0)  # mean exactly 4: the old |mean - 4| <= 0.5 target passed it
    distance = stats.wasserstein_distance(collapsed, normal_quantiles(4000))
    assert distance == pytest.approx(0.5 * np.sqrt(2 / np.pi), abs=1e-3)  # E|X - 4| = 0.40
    reference = np.random.default_rng(0).normal(4.0, 0.5, size=4000)
    assert gan.wasserstein_1d(collapsed, reference) > 0.2  # the card's target rejects it


def test_wasserstein_1d_equals_scipy():
    from scipy import stats

    rng = np.random.default_rng(3)
    a, b = rng.normal(4.0, 0.5, size=500), rng.gumbel(3.0, 1.0, size=500)
    assert gan.wasserstein_1d(a, b) == pytest.approx(stats.wasserstein_distance(a, b), rel=1e-9)


def small_gan():
    generator = gan.build_generator(noise_dim=4, output_shape=(3,), hidden_units=(8,),
                                    output_activation="linear")
    discriminator = gan.build_discriminator(input_shape=(3,), hidden_units=(8,))
    return generator, discriminator, gan.build_gan(generator, discriminator)


def test_discriminator_sees_fakes_made_with_batch_statistics_as_the_generator_trains():
    generator, discriminator, stacked = small_gan()
    real = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    noise = np.random.default_rng(1).normal(size=(16, 4)).astype("float32")  # train_step's draw
    batch_mode = keras.ops.convert_to_numpy(generator(noise, training=True))
    inference_mode = generator.predict_on_batch(noise)
    assert not np.allclose(batch_mode, inference_mode, atol=1e-3)  # the two modes differ here
    seen = {}
    discriminator_train_on_batch = discriminator.train_on_batch

    def watched(samples, labels):
        seen["fakes"] = samples[len(real):]
        return discriminator_train_on_batch(samples, labels)

    discriminator.train_on_batch = watched
    gan.train_step(generator, discriminator, stacked, real, np.random.default_rng(1))
    np.testing.assert_allclose(seen["fakes"], batch_mode, rtol=1e-5, atol=1e-6)


def warn_like_a_later_keras(model):
    """Make model.train_on_batch first run Keras 3.15's not-yet-called check that warns when a
    layer's `trainable` flag differs from what it was at compile."""
    train_on_batch = model.train_on_batch

    def checked(*args, **kwargs):
        model._warn_if_trainable_state_changed()
        return train_on_batch(*args, **kwargs)

    model.train_on_batch = checked


def test_every_model_trains_with_the_trainable_flags_it_was_compiled_with():
    generator, discriminator, stacked = small_gan()
    for model in (discriminator, stacked):
        warn_like_a_later_keras(model)
    real = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    rng = np.random.default_rng(1)
    with warnings.catch_warnings():
        # the check's UserWarning would fail the test (and only it: Keras's torch backend
        # raises NumPy 2 DeprecationWarnings of its own when it converts a tensor)
        warnings.simplefilter("error", UserWarning)
        for _ in range(3):
            gan.train_step(generator, discriminator, stacked, real, rng)
    # The check is live: the tf.keras 2 habit (compile, freeze for the stacked model, never
    # flip back) trains the discriminator with the flags of another compile, and warns.
    discriminator.trainable = False
    with pytest.warns(UserWarning, match="trainable` state has changed since the model"):
        discriminator.train_on_batch(np.concatenate([real, real]),
                                     np.ones((32, 1), dtype="float32"))


def test_both_losses_stay_finite_over_every_step(demo_run):
    result, _ = demo_run
    for curve in ("d_loss", "g_loss"):
        assert np.isfinite(result["history"][curve]).all()


def test_sample_grid_is_a_png_image(tmp_path):
    matplotlib_image = pytest.importorskip("matplotlib.image")
    generator = gan.build_generator(noise_dim=4, output_shape=(8, 8, 1), hidden_units=(8,))
    path = gan.save_sample_grid(generator, tmp_path / "grid.png", rows=2, columns=3)
    pixels = matplotlib_image.imread(path)
    assert pixels.shape[:2] == (200, 300)  # 3 x 2 inches at 100 dpi
    assert pixels[..., :3].std() > 0  # not blank
