"""
Title: Generative adversarial network (GAN)
Description: A generator and a discriminator trained in turns until fakes look like the data.
Section: Architectures
Aliases: generative-adversarial-network, generator, discriminator, adversarial
Use when: generate images, generate data from noise, generator and discriminator, freeze layers,
    trainable flag, gan training, discriminator loss, generator loss, generator does not learn, mode
    collapse, gan does not converge
See also: cnn, basics
Functions: build_generator, build_discriminator, build_gan, train_step
Backends: tensorflow, torch; not jax: the seed-0 adversarial run lands elsewhere there and
    misses the distribution (1-D Wasserstein 0.25 against the 0.2 target)

## Note

The generator turns random noise into samples; the discriminator scores samples as real (1) or
fake (0). They train in turns: the discriminator on a batch of real samples and the generator's
fakes, then the generator, through a stacked model whose discriminator is frozen, towards fakes
the discriminator calls real. When neither can improve, the fakes follow the data's
distribution. The original tf.keras 2 sheet's generator maps 100-d noise to a 28x28x1 image in
[-1, 1] (tanh). The demo's 1-D GAN must bring its samples within 0.2 of the data N(4, 0.5) in
150 rounds, by the 1-D Wasserstein distance (the mean gap between sorted samples: a generator
collapsed onto 4 scores 0.40, so matching the mean is not enough). The discriminator's fakes are
drawn in training mode, so BatchNormalization uses batch statistics in both turns.
`train_digit_grid` trains the sheet's generator on 8x8 digits and saves a PNG grid of its
samples, the picture `cheatsheet plot gan` draws.

## Pitfalls

- `LeakyReLU(alpha=0.2)` is deprecated in Keras 3: write `negative_slope=0.2` (the default slope
  is 0.3, not 0.2).
- `Dense(256, input_dim=100)` warns in Keras 3; start with `keras.Input(shape=(100,))`.
- The original builds a generator but never trains it. In Keras 3 each model reads the
  `trainable` flags when it first trains: set the discriminator trainable before its own step
  and frozen before the stacked model's. Frozen at its own first step it learns nothing;
  trainable at the stacked model's, the generator's turn trains it too.
- A tanh output lies in [-1, 1]: scale real images to the same range, and use a linear output
  for data outside it (the 1-D demo's target is near 4).
"""

import math

import keras
import numpy as np
from sklearn.datasets import load_digits


def build_generator(noise_dim=100, output_shape=(28, 28, 1), hidden_units=(256, 512, 1024),
                    output_activation="tanh"):
    """Noise -> [Dense -> LeakyReLU -> BatchNorm] per hidden size -> Dense -> sample shape.

    tanh keeps image pixels in [-1, 1] (scale real images the same way); use "linear" for data
    with no fixed range.
    """
    model = keras.Sequential([keras.Input(shape=(noise_dim,))], name="generator")  # (batch, 100)
    for units in hidden_units:
        model.add(keras.layers.Dense(units))  # (batch, 256), then 512, then 1024
        model.add(keras.layers.LeakyReLU(negative_slope=0.2))  # a small slope for x < 0
        model.add(keras.layers.BatchNormalization(momentum=0.8))
    pixels = math.prod(output_shape)  # 28 * 28 * 1 = 784 values per sample
    model.add(keras.layers.Dense(pixels, activation=output_activation))  # (batch, 784)
    model.add(keras.layers.Reshape(output_shape))  # (batch, 28, 28, 1)
    return model


def build_discriminator(input_shape=(28, 28, 1), hidden_units=(512, 256), learning_rate=2e-4):
    """Sample -> Dense + LeakyReLU layers -> P(real), compiled to tell real (1) from fake (0)."""
    model = keras.Sequential([keras.Input(shape=input_shape),  # (batch, 28, 28, 1)
                              keras.layers.Flatten()], name="discriminator")  # (batch, 784)
    for units in hidden_units:
        model.add(keras.layers.Dense(units))  # (batch, 512), then 256
        model.add(keras.layers.LeakyReLU(negative_slope=0.2))
    model.add(keras.layers.Dense(1, activation="sigmoid"))  # (batch, 1), P(sample is real)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.5),
                  loss=keras.losses.BinaryCrossentropy())
    return model


def build_gan(generator, discriminator, learning_rate=2e-4):
    """Noise -> generator -> frozen discriminator, compiled to train the generator alone."""
    discriminator.trainable = False  # frozen while *this* model is compiled and trained
    noise = keras.Input(shape=generator.input_shape[1:])  # (batch, 100)
    verdict = discriminator(generator(noise))  # (batch, 1)
    gan = keras.Model(noise, verdict, name="gan")
    gan.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.5),
                loss=keras.losses.BinaryCrossentropy())
    return gan


def train_step(generator, discriminator, gan, real_batch, rng):
    """One adversarial round; returns (discriminator loss, generator loss).

    Plain train_on_batch calls, so it runs on every Keras backend. Before each model trains,
    the discriminator's `trainable` flag is put back to what it was when that model was
    compiled: True for the discriminator itself, False inside the stacked gan.
    """
    batch_size = len(real_batch)
    noise_dim = generator.input_shape[1]
    # 1) The discriminator learns: real samples -> 1, the generator's fakes -> 0.
    noise = rng.normal(size=(batch_size, noise_dim)).astype("float32")
    # training=True: the fakes see the same batch-statistics BatchNormalization as in the
    # generator's own turn below (predict_on_batch would use the moving averages).
    fakes = keras.ops.convert_to_numpy(generator(noise, training=True))
    samples = np.concatenate([real_batch, fakes])
    labels = np.concatenate([np.ones((batch_size, 1)), np.zeros((batch_size, 1))])
    discriminator.trainable = True
    d_loss = discriminator.train_on_batch(samples, labels.astype("float32"))
    # 2) The generator learns to make the frozen discriminator answer "real" (1) to its fakes.
    discriminator.trainable = False
    noise = rng.normal(size=(batch_size, noise_dim)).astype("float32")
    g_loss = gan.train_on_batch(noise, np.ones((batch_size, 1), dtype="float32"))
    return float(d_loss), float(g_loss)


def train(generator, discriminator, gan, data, steps, batch_size=64, seed=0, verbose=0):
    """Alternate train_step on random batches of `data`; returns the two loss curves."""
    rng = np.random.default_rng(seed)
    history = {"d_loss": [], "g_loss": []}
    for step in range(steps):
        real_batch = data[rng.integers(0, len(data), size=batch_size)]
        d_loss, g_loss = train_step(generator, discriminator, gan, real_batch, rng)
        history["d_loss"].append(d_loss)
        history["g_loss"].append(g_loss)
        if verbose and (step % 50 == 0 or step == steps - 1):
            print(f"step {step}: d_loss {d_loss:.3f}, g_loss {g_loss:.3f}")
    return history


def wasserstein_1d(samples, reference):
    """1-D Wasserstein distance between two equal-sized samples: the mean gap between their
    sorted values (matching quantiles). It judges the whole distribution: a generator collapsed
    onto the data's mean 4 scores 0.5 * sqrt(2 / pi) = 0.40 against N(4, 0.5), not 0."""
    return float(np.mean(np.abs(np.sort(np.ravel(samples)) - np.sort(np.ravel(reference)))))


def load_digit_images():
    """scikit-learn's bundled 8x8 digits as (1797, 8, 8, 1) images scaled to tanh's [-1, 1]."""
    pixels = load_digits().data  # (1797, 64), values 0..16
    return (pixels / 8.0 - 1.0).astype("float32").reshape(-1, 8, 8, 1)


def save_sample_grid(generator, path, rows=4, columns=4, seed=0):
    """Draw rows x columns generated images and save them as one PNG at `path`."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display needed
    import matplotlib.pyplot as plt

    noise = np.random.default_rng(seed).normal(size=(rows * columns, generator.input_shape[1]))
    images = generator.predict(noise.astype("float32"), verbose=0)[..., 0]  # (16, 8, 8)
    figure, axes = plt.subplots(rows, columns, figsize=(columns, rows))
    for image, axis in zip(images, axes.flat, strict=True):
        axis.imshow(image, cmap="gray_r", vmin=-1, vmax=1)  # tanh range
        axis.axis("off")
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def train_digit_grid(path, seed=0, steps=300, verbose=0):
    """Train the original sheet's generator on 8x8 digits and save a grid of its samples."""
    keras.utils.set_random_seed(seed)
    images = load_digit_images()
    generator = build_generator(output_shape=images.shape[1:])
    discriminator = build_discriminator(input_shape=images.shape[1:])
    gan = build_gan(generator, discriminator)
    train(generator, discriminator, gan, images, steps, seed=seed, verbose=verbose)
    return save_sample_grid(generator, path, seed=seed)


def demo(seed=0, steps=150, verbose=0):
    """A 1-D GAN learns N(4, 0.5); its samples should end within 0.2 of it (1-D Wasserstein)."""
    keras.utils.set_random_seed(seed)
    generator = build_generator(noise_dim=8, output_shape=(1,), hidden_units=(32, 32),
                                output_activation="linear")  # no tanh: the target is near 4
    # The discriminator learns faster than the generator: it tracks the fakes, which damps the
    # tug of war around the target (two time-scale updates).
    discriminator = build_discriminator(
        input_shape=(1,), hidden_units=(32, 32),
        learning_rate=keras.optimizers.schedules.CosineDecay(5e-2, steps, alpha=0.05))
    gan = build_gan(generator, discriminator,
                    learning_rate=keras.optimizers.schedules.CosineDecay(1e-2, steps, alpha=0.05))
    target = np.random.default_rng(seed).normal(4.0, 0.5, size=(10_000, 1)).astype("float32")
    history = train(generator, discriminator, gan, target, steps, seed=seed, verbose=verbose)
    check = np.random.default_rng(seed + 1)
    noise = check.normal(size=(1000, 8)).astype("float32")
    samples = generator.predict(noise, verbose=verbose)  # (1000, 1), BatchNorm in inference
    distance = wasserstein_1d(samples, check.normal(4.0, 0.5, size=samples.shape))
    return {
        "metric": "Wasserstein distance to N(4, 0.5)",
        "value": distance,
        "target": 0.2,
        "higher_is_better": False,
        "params": generator.count_params() + discriminator.count_params(),
        "history": history,
    }


if __name__ == "__main__":
    result = demo()
    print(f"{result['metric']}: {result['value']:.3f} (target <= {result['target']})")
