# Classification metrics
accuracy
precision
recall
f1_score
auc # Area Under ROC Curve

# Regression metrics
mean_squared_error
mean_absolute_error
r2_score # Coefficient of determination

# Custom metrics
def custom_metric(y_true, y_pred):
    return tf.reduce_mean(y_true - y_pred)
