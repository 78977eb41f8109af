"""Run a card's demo once while keeping the models it builds, so tests can check them
against their own references instead of trusting the figure the demo reports."""

import keras
import numpy as np
import pytest
from sklearn.metrics import accuracy_score


def run_demo_keeping_models(module, builder_name, **demo_kwargs):
    """(demo result, [every model `module.<builder_name>` returned during the demo])."""
    keras.utils.set_random_seed(0)
    built, build = [], getattr(module, builder_name)

    def keep(*args, **kwargs):
        built.append(build(*args, **kwargs))
        return built[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, builder_name, keep)
        result = module.demo(**demo_kwargs)
    return result, built


def run_recording_fits(demo, callbacks=(), **demo_kwargs):
    """Run a card's demo and return (result, fitted models in order, with what fit was given).

    For demos that build their model inline or build extra ones (run_demo_keeping_models needs
    one builder): this wraps keras.Model.fit instead, so only trained models are kept.
    `callbacks` (factories called once per fit) are added to each fit, to watch training
    without changing it.
    """
    fits, original_fit = [], keras.Model.fit

    def fit(model, *args, **kwargs):
        watchers = [make() for make in callbacks]
        kwargs["callbacks"] = list(kwargs.get("callbacks") or []) + watchers
        history = original_fit(model, *args, **kwargs)
        fits.append({"model": model, "args": args, "kwargs": kwargs, "watchers": watchers})
        return history

    with pytest.MonkeyPatch.context() as patch:  # usable from a module-scoped fixture
        patch.setattr(keras.Model, "fit", fit)
        result = demo(**demo_kwargs)
    return result, fits


def demo_accuracy_measured_by_sklearn(module, builder_name, **demo_kwargs):
    """(demo result, held-out accuracy of the model the demo trained, by scikit-learn).

    The held-out split is the card's own `load_data(seed=0)`; the predictions are thresholded
    at 0.5 for one sigmoid unit and argmax-ed for a softmax (or log-softmax) head."""
    result, built = run_demo_keeping_models(module, builder_name, **demo_kwargs)
    _, x_test, _, y_test = module.load_data(0)
    predictions = built[-1].predict(x_test, verbose=0)
    if predictions.shape[-1] == 1:
        labels = (predictions[:, 0] > 0.5).astype(int)
    else:
        labels = np.argmax(predictions, axis=-1)
    return result, accuracy_score(np.asarray(y_test).astype(int).ravel(), labels)
