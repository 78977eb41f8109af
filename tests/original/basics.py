# Basic neural network layer
layer = Dense(units=64, activation='relu')

# Forward pass
output = layer(input)

# Loss function
loss = tf.keras.losses.BinaryCrossentropy()

# Optimizer
optimizer = tf.keras.optimizers.Adam(learning_rate=0.001)
