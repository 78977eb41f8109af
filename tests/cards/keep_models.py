"""Run a card's demo once while keeping the models it builds, so tests can check them
against their own references instead of trusting the figure the demo reports."""

import keras
import pytest


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
