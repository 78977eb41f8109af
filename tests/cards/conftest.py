import keras
import pytest


@pytest.fixture(autouse=True)
def seeded():
    """Every card test starts from the same Python, NumPy and backend seeds."""
    keras.utils.set_random_seed(0)
