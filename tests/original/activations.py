# Sigmoid
def sigmoid(x):
    return 1 / (1 + np.exp(-x))

# ReLU (Rectified Linear Unit)
def relu(x):
    return np.maximum(0, x)

# Softmax (for multi-class classification)
def softmax(x):
    exp_x = np.exp(x - np.max(x))
    return exp_x / np.sum(exp_x, axis=0)
