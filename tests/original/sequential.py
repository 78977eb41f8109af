# Basic model creation
import tensorflow as tf
from tensorflow.keras import layers

# Sequential API
model = tf.keras.Sequential([
    layers.Dense(64, activation='relu'),
    layers.Dense(64, activation='relu'),
    layers.Dense(10, activation='softmax')
])
