"""
Title: Data-parallel training
Description: Train one model on several devices, on TensorFlow or JAX; its loss matches one
    device.
Section: Diagnostics and deployment
Aliases: multi-gpu, mirrored-strategy, data-parallel
Use when: multi gpu, several devices, batch size across replicas, global batch size, scale out
    training, multiple gpus, several gpus, mirroredstrategy, data parallel
See also: multi-worker, deployment, diagnostics
Functions: use_logical_cpus, data_parallel, build_regressor, train_under
Backends: tensorflow, jax; not torch: Keras 3.15 has no data-parallel engine for torch
    (keras.distribution is implemented for JAX, and torch has its own DistributedDataParallel)

## Note

Data parallelism puts a copy of the model (a replica) on every device. Each replica takes its
share of the global batch and computes gradients; an all-reduce averages them, so every replica
takes the same step, and the losses match one device training on the whole batch (tested on two
logical CPUs, within 1e-5). Build and compile inside strategy.scope(), where variables get one
copy per replica, and grow the global batch with the number of replicas. Logical CPUs share the
same cores, so they show the mechanics, not a speed-up. For several machines,
tf.distribute.MultiWorkerMirroredStrategy does the same, each worker reading the cluster from
its TF_CONFIG variable. On the JAX backend the same demo runs on keras.distribution, Keras 3's
own API: DataParallel lays the devices out as a one-axis DeviceMesh, replicates every variable
and splits each batch along that axis; its scope() plays strategy.scope()'s part, and two host
CPU devices give the same loss-on-two-equals-loss-on-one proof.

## Pitfalls

- Logical devices can only be set before TensorFlow runs its first op; later
  `set_logical_device_configuration` raises RuntimeError, so configure them first thing in the
  process (the demo does, and says so when it is too late).
- Build and compile the model inside `strategy.scope()`: variables created there are
  MirroredVariables, one copy per replica; built outside, they live on one device.
- JAX fixes its CPU device count at its first operation: call
  `jax.config.update("jax_num_cpu_devices", 2)` (or set
  XLA_FLAGS=--xla_force_host_platform_device_count=2) right after `import jax`; later it raises
  RuntimeError, which the demo absorbs and reports as one replica.
- Under a strategy, fit's `batch_size` is the global batch, split across replicas: each device
  sees batch_size / replicas rows.
"""

import keras
import numpy as np


def use_logical_cpus(count=2):
    """Split the CPU into `count` logical devices, to try multi-device code without GPUs.

    TensorFlow and JAX fix their devices when they first run an op, so call this first thing
    in the process; later it can only keep what exists. Returns how many CPU devices there are.
    """
    if keras.config.backend() == "jax":
        import jax

        try:
            jax.config.update("jax_num_cpu_devices", count)
        except RuntimeError:  # "should be updated before backends are initialized"
            pass
        return len(jax.devices("cpu"))
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(count)])
    except RuntimeError:  # "cannot be modified after being initialized": TF already started
        pass
    return len(tf.config.list_logical_devices("CPU"))


def prepare():
    """Called by `cheatsheet check` before TensorFlow starts: two CPU replicas for the demo."""
    use_logical_cpus(2)


def data_parallel(devices=None):
    """The backend's data-parallel engine over `devices` (default: all of them).

    TensorFlow: tf.distribute.MirroredStrategy. JAX: keras.distribution.DataParallel, a 1-D
    DeviceMesh whose one axis splits the batch. Both have scope(), used the same way.
    """
    if keras.config.backend() == "jax":
        return keras.distribution.DataParallel(devices=devices)  # e.g. ["cpu:0", "cpu:1"]
    import tensorflow as tf

    if devices is not None and len(devices) == 1:
        return tf.distribute.OneDeviceStrategy("/" + devices[0].lstrip("/"))
    return tf.distribute.MirroredStrategy(devices)  # every GPU; with none, every logical CPU


def replicas_of(engine):
    """How many devices take a share of each batch."""
    if hasattr(engine, "num_replicas_in_sync"):  # tf.distribute
        return engine.num_replicas_in_sync
    return int(engine.device_mesh.devices.size)  # keras.distribution


def build_regressor(input_dim=8, units=16):
    """A small regression MLP: Input -> Dense(relu) -> Dense(1)."""
    inputs = keras.Input(shape=(input_dim,))  # (batch, input_dim)
    hidden = keras.layers.Dense(units, activation="relu")(inputs)  # (batch, units)
    outputs = keras.layers.Dense(1)(hidden)  # (batch, 1)
    return keras.Model(inputs, outputs, name="regressor")


def train_under(strategy, x, y, seed=0, epochs=5, batch_size=64, learning_rate=0.05):
    """Build, compile and fit inside `strategy.scope()`; returns (model, loss per epoch).

    batch_size is the global batch: each of the N replicas gets batch_size / N rows, computes
    its gradients, and the all-reduce averages them, so every replica takes the same step as
    one device on the whole batch. Grow batch_size with N to keep each device as busy.
    """
    keras.utils.set_random_seed(seed)  # same initial weights on every run
    with strategy.scope():  # variables made here are mirrored: one copy per replica
        model = build_regressor(input_dim=x.shape[1])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                      loss=keras.losses.MeanSquaredError())
    history = model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0)
    return model, history.history["loss"]


def make_data(seed=0, rows=512, features=8):
    """A noisy linear target: y = x @ w + 0.1 * noise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, features)).astype("float32")
    y = x @ rng.normal(size=(features, 1)) + 0.1 * rng.normal(size=(rows, 1))
    return x, y.astype("float32")


def demo(seed=0, epochs=2, verbose=0):
    """Train on all devices and on one; the final losses should agree within 1e-4."""
    cpu_devices = use_logical_cpus(2)  # works only if TensorFlow has not started yet
    x, y = make_data(seed)
    strategy = data_parallel()  # every device: two logical CPUs here
    model, losses = train_under(strategy, x, y, seed=seed, epochs=epochs)
    _, single_losses = train_under(data_parallel(["cpu:0"]), x, y, seed=seed, epochs=epochs)
    replicas = replicas_of(strategy)
    backend = keras.config.backend()
    if cpu_devices == 1 and verbose:  # say so: one device is no data parallelism
        print(f"One CPU device only: {backend} had started before use_logical_cpus(2) could "
              "split it. Run this file as its own process to train on two replicas.")
    elif verbose:
        print(f"{replicas} replicas in sync on {backend}")
    return {
        "metric": f"|loss on {replicas} replica(s) - loss on 1 device|",
        "value": abs(losses[-1] - single_losses[-1]),
        "target": 1e-4,
        "higher_is_better": False,
        "params": model.count_params(),
        "history": {"loss": losses, "single_device_loss": single_losses},
        "replicas": replicas,
    }


if __name__ == "__main__":
    result = demo(verbose=1)
    print(f"{result['metric']}: {result['value']:.2e} (target <= {result['target']})")
