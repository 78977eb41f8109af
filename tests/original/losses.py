# Regression
mean_squared_error # MSE
mean_absolute_error # MAE
huber_loss # Combines MSE and MAE

# Classification
binary_crossentropy # Binary classification
categorical_crossentropy # Multi-class, one-hot encoded
sparse_categorical_crossentropy # Multi-class, integer labels

# Specialized
hinge # SVM-like loss
kl_divergence # For probabilistic models
