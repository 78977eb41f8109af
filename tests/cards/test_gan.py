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
        snapshots["before"] = weights(discriminator), weights(generator)
        loss = stacked_train_on_batch(*args, **kwargs)
        snapshots["after"] = weights(discriminator), weights(generator)
        return loss

    stacked.train_on_batch = watched
    start = weights(discriminator), weights(generator)
    real = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    d_loss, g_loss = gan.train_step(generator, discriminator, stacked, real,
                                    np.random.default_rng(1))
    assert np.isfinite(d_loss) and np.isfinite(g_loss)
    assert changed(start[0], snapshots["before"][0])  # discriminator's turn: it learned ...
    assert not changed(start[1], snapshots["before"][1])  # ... and the generator did not
    assert not changed(snapshots["before"][0], snapshots["after"][0])  # frozen discriminator
    assert changed(snapshots["before"][1], snapshots["after"][1])  # generator learned


def test_toy_gan_moves_its_sample_mean_within_half_of_4_in_150_steps(demo_run):
    result, generator = demo_run
    assert len(result["history"]["g_loss"]) == 150  # the bounded number of steps
    noise = np.random.default_rng(42).normal(size=(4000, generator.input_shape[1]))
    samples = generator.predict(noise.astype("float32"), verbose=0)
    assert abs(samples.mean() - 4.0) <= 0.5
    assert result["value"] <= result["target"] == 0.5


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
