"""bench.py lints this: a lab script of about 30 lines that lint finds clean (exit 0)."""
import keras
from keras import layers


def build(input_dim):
    model = keras.Sequential([
        keras.Input(shape=(input_dim,)),
        layers.Dense(64, activation="relu"),
        layers.Dropout(0.5),
        layers.Dense(10, activation='softmax'),
    ])
    model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
    return model


def train(model, x, y):
    history = model.fit(x, y, epochs=5, batch_size=32, validation_split=0.2)
    model.save('model.keras')
    return history


def evaluate(model, x, y):
    loss, acc = model.evaluate(x, y)
    return acc


if __name__ == '__main__':
    import numpy as np
    x = np.random.rand(100, 20)
    y = np.eye(10)[np.random.randint(0, 10, 100)]
    evaluate(train(build(20), x, y) and build(20), x, y)
