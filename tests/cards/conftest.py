import pytest

from cheatsheet.runner import load_keras

# Imported here first, with file descriptor 2 silenced: TensorFlow's C++ start-up lines ignore
# TF_CPP_MIN_LOG_LEVEL and would otherwise open every test run's output.
keras = load_keras("the card tests")


@pytest.fixture(autouse=True)
def seeded():
    """Every card test starts from the same Python, NumPy and backend seeds."""
    keras.utils.set_random_seed(0)
