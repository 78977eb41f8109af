# ruff: noqa: E501  (the pastes are verbatim and their sources are long addresses)
"""Real pasted errors, each from a public issue thread (its address in the comment beside it), with
the explain entry a learner should get. Written before the index was tuned against it: the set
measures the index, it is not the index's training data. Whole tracebacks, Colab and IPython
pastes, log lines and bare messages; Keras 1, Keras 2 (tf.keras), Keras 3.

tests/test_explain.py asserts top-1 >= 90% over RELEVANCE and that every NOT_KERAS paste gets no
entry, and prints the misses.
"""

RELEVANCE = [
    # -- tf-keras-layer
    ("tf-keras-layer",  # https://github.com/mrdbourke/tensorflow-deep-learning/issues/668 (title, cut)
     "ValueError: Only instances of `keras.Layer` can be added to a Sequential model. Received: "
     "<tensorflow_hub.keras_layer.KerasLayer object at 0x7a9a39daf130> (of type <class "
     "'tensorflow_hub.keras_layer.K"),
    ("tf-keras-layer",  # https://github.com/tensorflow/hub/issues/920 (a notebook's JSON error)
     '{\n\t"name": "ValueError",\n\t"message": "Only instances of `keras.Layer` can be added to a '
     "Sequential model. Received: <tensorflow_hub.keras_layer.KerasLayer object at 0x75776b09fc10> "
     "(of type <class 'tensorflow_hub.keras_layer.KerasLayer'>)\",\n\t\"stack\": \""
     "---------------------------------------------------------------------------\nValueError"
     "                                Traceback (most recent call last)\nCell In[123], line 2\n"
     "      1 model_6 = tf.keras.Sequential()\n----> 2 model_6.add(sentence_encoder_layer"),
    ("tf-keras-layer",  # https://github.com/tensorflow/tensorflow/issues/76042 (Colab)
     "---------------------------------------------------------------------------\n"
     "ValueError                                Traceback (most recent call last)\n"
     "[<ipython-input-9-b0a8e638d9e1>](https://localhost:8080/#) in <cell line: 2>()\n"
     "      1 model = tf.keras.Sequential()\n"
     "----> 2 model.add(hub_layer)\n"
     "      3 model.add(tf.keras.layers.Dense(16, activation='relu'))\n"
     "      4 model.add(tf.keras.layers.Dense(1))\n"
     "      5 \n\n"
     "[/usr/local/lib/python3.10/dist-packages/keras/src/models/sequential.py](https://localhost:8080/#) in add(self, layer, rebuild)\n"
     "     93                 layer = origin_layer\n"
     "     94         if not isinstance(layer, Layer):\n"
     "---> 95             raise ValueError(\n"
     '     96                 "Only instances of `keras.Layer` can be "\n'
     '     97                 f"added to a Sequential model. Received: {layer} "\n\n'
     "ValueError: Only instances of `keras.Layer` can be added to a Sequential model. Received:"),
    ("tf-keras-layer",  # https://github.com/keras-team/keras/issues/21666 (tf_keras 2.20; its title)
     "`.compile` throws `ValueError: Could not interpret optimizer identifier: "
     "<keras.src.optimizers.adam.Adam object at 0x7f419cfc5010>`"),
    ("tf-keras-layer",  # https://github.com/amaiya/ktrain/issues/529
     "**i face error ValueError: Could not interpret optimizer identifier: "
     "<keras.src.optimizers.legacy.adam.Adam object at 0x78ac23a95ab0>**"),
    ("tf-keras-layer",  # https://github.com/qubvel/segmentation_models/issues/413 (Keras 2 + tf.keras)
     '  File "C:\\Users\\dell\\Anaconda3\\lib\\site-packages\\keras\\engine\\training.py", line 95, '
     "in compile\n    self.optimizer = optimizers.get(optimizer)\n\n"
     '  File "C:\\Users\\dell\\Anaconda3\\lib\\site-packages\\keras\\optimizers.py", line 873, in get\n'
     "    str(identifier))\n\n"
     "ValueError: Could not interpret optimizer identifier: <tensorflow.python.keras.optimizers.Adam "
     "object at 0x000001A2A28AFC18>"),
    # -- input-last-axis
    ("input-last-axis",  # https://github.com/MarzioMonticelli/python-cryptonet/issues/4 (TF 2.4)
     "  ValueError: Input 0 of layer dense_30 is incompatible with the layer: expected axis -1 of "
     "input shape to have value 180 but received input with shape (32, 245)"),
    ("input-last-axis",  # https://github.com/pearsonkyle/Artificial-Art/issues/3
     "ValueError: Input 0 of layer dense is incompatible with the layer: expected axis -1 of input "
     "shape to have value 36992 but received input with shape [None, 10368]"),
    ("input-last-axis",  # https://github.com/keras-team/keras/issues/11527 (Keras 2.2.4)
     "ValueError: Input 0 is incompatible with layer dense_1: expected axis -1 of input shape to "
     "have value x but got shape (y, z)"),
    ("input-last-axis",  # https://github.com/keras-team/keras/issues/19367 (Keras 3.0)
     "ValueError: Exception encountered when calling Sequential.call().\n\n"
     'Input 0 of layer "dense_2" is incompatible with the layer: expected axis -1 of input shape to '
     "have value 16384, but received input with shape (None, 65536)\n\n"
     "Arguments received by Sequential.call():\n"
     "  • inputs=tf.Tensor(shape=(None, 256, 256, 3), dtype=float32)\n"
     "  • training=True\n"
     "  • mask=None"),
    ("input-last-axis",  # https://github.com/MAIF/melusine/issues/90
     '*"ValueError: Input 0 of layer dense_2 is incompatible with the layer: expected axis -1 of '
     'input shape to have value 9 but received input with shape [None, 10]"*'),
    ("input-last-axis",  # https://github.com/tensorflow/tensorflow/issues/46478 (TF 2.4; its title)
     "Input 0 of layer dense is incompatible with the layer: expected axis -1 of input shape to have "
     "value 448 but received input with shape (None, 14944)"),
    # -- input-rank
    ("input-rank",  # https://github.com/stanford-futuredata/noscope/issues/26 (Keras 2.0)
     "ValueError: Input 0 is incompatible with layer conv2d_1: expected ndim=4, found ndim=3"),
    ("input-rank",  # https://github.com/ChunML/ssd-tf2/issues/27 (TF 2.4)
     "Input 0 of layer conv2d is incompatible with the layer: : expected min_ndim=4, found ndim=3. "
     "Full shape received: [32, 300, 300]"),
    ("input-rank",  # https://github.com/keras-team/keras/issues/3385 (Keras 1)
     "Exception: Input 0 is incompatible with layer convolution2d_2: expected ndim=4, found ndim=3"),
    ("input-rank",  # https://github.com/tensorflow/tensorflow/issues/28442 (TF 1.13)
     "ValueError: Error when checking input: expected conv2d_input to have 4 dimensions, but got "
     "array with shape (24946, 50, 50)"),
    ("input-rank",  # https://github.com/anujshah1003/own_data_cnn_implementation_keras/issues/9
     "**ValueError**: Error when checking input: expected conv2d_59_input to have 4 dimensions, \n"
     "but got an array with shape (88, 128, 128)"),
    ("input-rank",  # https://github.com/keras-team/keras/issues/10903 (Keras 2.2)
     '  File "/usr/local/lib/python2.7/dist-packages/keras/engine/base_layer.py", line 311, in '
     "assert_input_compatibility\n    str(K.ndim(x)))\n"
     "ValueError: Input 0 is incompatible with layer conv2d_1: expected ndim=4, found ndim=5"),
    # -- integer-labels-categorical / one-hot-labels-sparse / output-units-mismatch
    ("integer-labels-categorical",  # https://github.com/tensorflow/tensorflow/issues/44946 (TF 2.3)
     "ValueError: Shapes (None, 1) and (None, 10) are incompatible"),
    ("output-units-mismatch",  # https://github.com/MiteshPuthran/Speech-Emotion-Analyzer/issues/52
     "`ValueError: Shapes (None, 4) and (None, 10) are incompatible`"),
    ("output-units-mismatch",  # https://github.com/chauhan01/Captcha-text-extraction/issues/3 (its title)
     "ValueError: Shapes (None, 30) and (None, 9) are incompatible"),
    ("one-hot-labels-sparse",  # https://github.com/keras-team/keras/issues/17368 (TF 2.10)
     "Node: 'sparse_categorical_crossentropy/SparseSoftmaxCrossEntropyWithLogits/"
     "SparseSoftmaxCrossEntropyWithLogits'\n"
     "logits and labels must have the same first dimension, got logits shape [32,271573] and labels "
     "shape [960]\n"
     "\t [[{{node sparse_categorical_crossentropy/SparseSoftmaxCrossEntropyWithLogits/"
     "SparseSoftmaxCrossEntropyWithLogits}}]] [Op:__inference_train_function_18376]"),
    ("one-hot-labels-sparse",  # https://github.com/tensorflow/tensorflow/issues/28226 (TF 1.13)
     "InvalidArgumentError: logits and labels must have the same first dimension, got logits shape "
     "[1,50] and labels shape [50]"),
    ("one-hot-labels-sparse",  # https://github.com/tensorflow/privacy/issues/38
     "tensorflow.python.framework.errors_impl.InvalidArgumentError: logits and labels must have the "
     "same first dimension, got logits shape [250,10] and labels shape [2500]"),
    # -- label-out-of-range
    ("label-out-of-range",  # https://github.com/kakaoenterprise/RYANSQL/issues/2
     '"tensorflow.python.framework.errors_impl.InvalidArgumentError: Received a label value of 6 '
     'which is outside the valid range of [0, 6).  Label values: 6"'),
    ("label-out-of-range",  # https://github.com/zzh8829/yolov3-tf2/issues/259
     "tensorflow.python.framework.errors_impl.InvalidArgumentError: Received a label value of -1 "
     "which is outside the valid range of [0, 80).  Label values: 0 0 0 0 0 0 0 0 0 0 0 0 0"),
    # -- early-stopping-metric / callback-metric-missing
    ("early-stopping-metric",  # https://github.com/nayash/stock_cnn_blog_pub/issues/3 (TF 2.x)
     "WARNING:tensorflow:Early stopping conditioned on metric `val_loss` which is not available. "
     "Available metrics are: \n"
     "WARNING:tensorflow:Can save best model only with val_loss available, skipping.\n"
     "WARNING:tensorflow:Reduce LR on plateau conditioned on metric `val_loss` which is not "
     "available. Available metrics are: lr"),
    ("early-stopping-metric",  # https://github.com/ReDASers/PhishBench/issues/158
     "WARNING:tensorflow:Early stopping conditioned on metric `val_loss` which is not available. "
     "Available metrics are: loss,accuracy"),
    ("early-stopping-metric",  # https://github.com/finlay-liu/kaggle_public/issues/5 (Keras 2.2)
     ">  RuntimeWarning: Early stopping conditioned on metric `val_acc` which is not available. "
     "Available metrics are: val_loss,val_accuracy,val_acc_top2,loss,accuracy,acc_top2\n"
     "  (self.monitor, ','.join(list(logs.keys()))), RuntimeWarning"),
    # -- optimizer-lr
    ("optimizer-lr",  # https://github.com/google-deepmind/open_spiel/issues/1207 (Keras 3)
     '  File "/home/lanctot/venv/lib/python3.12/site-packages/keras/src/optimizers/base_optimizer.py", '
     "line 38, in __init__\n"
     '    raise ValueError(f"Argument(s) not recognized: {kwargs}")\n'
     "ValueError: Argument(s) not recognized: {'lr': 0.005}"),
    ("optimizer-lr",  # https://github.com/philipperemy/keras-tcn/issues/284 (Keras 3.10)
     '/lib/python3.9/site-packages/keras/src/optimizers/base_optimizer.py", line 90, in __init__\n'
     '    raise ValueError(f"Argument(s) not recognized: {kwargs}")\n'
     "ValueError: Argument(s) not recognized: {'lr': 0.002}"),
    ("optimizer-lr",  # https://github.com/tensorflow/tensorflow/issues/58831 (TF 2.11)
     "WARNING:absl:`lr` is deprecated, please use `learning_rate` instead, or use the legacy "
     "optimizer, e.g.,tf.keras.optimizers.legacy.Adagrad."),
    # -- fit-generator
    ("fit-generator",  # https://github.com/keras-team/keras/issues/19225 (Keras 3)
     "'Functional' object has no attribute 'fit_generator'"),
    # -- fit-workers
    ("fit-workers",  # https://github.com/pythonlessons/mltu/issues/60 (Keras 3)
     ' File "/Users/abc/Python/mltu/Tutorials/02_captcha_to_text/train_model_with_new_data.py", '
     "line 121, in <module>\n    model.fit(\n"
     '  File "/Users/abc/Python/myenv/lib/python3.12/site-packages/keras/src/utils/traceback_utils.py", '
     "line 122, in error_handler\n    raise e.with_traceback(filtered_tb) from None\n"
     '  File "/Users/abc/Python/myenv/lib/python3.12/site-packages/keras/src/utils/traceback_utils.py", '
     "line 117, in error_handler\n    return fn(*args, **kwargs)\n                  ^^^^^^^^^^^^^\n"
     "TypeError: TensorFlowTrainer.fit() got an unexpected keyword argument 'workers'"),
    # -- save-extension / checkpoint-extension / weights-extension
    ("save-extension",  # https://github.com/menouarazib/eventdetector/issues/3 (Keras 3)
     "ValueError: Invalid filepath extension for saving. Please add either a `.keras` extension for "
     "the native Keras format (recommended) or a `.h5` extension. Use `model.export(filepath)` if you "
     "want to export a SavedModel for use with TFLite/TFServing/etc. Received: filepath=/Workspace/"
     "Repos/benjamin.j.spivey@exxonmobil.com/rtdd-sno-xto-databricks/Workflows/FracDetect/"
     "credit_card_fraud/models/FFN_0."),
    ("save-extension",  # https://github.com/aws-samples/amazon-sagemaker-mlops-workshop/pull/16
     "ValueError                                Traceback (most recent call last)\n"
     "/home/sagemaker-user/amazon-sagemaker-mlops-workshop/labs/01_initial_notebook/"
     "01_initial_notebook.ipynb Cell 40 line 1\n"
     "----> 1 model.save('model' + '/1')\n\n"
     "File /opt/conda/lib/python3.11/site-packages/keras/src/utils/traceback_utils.py:122, in "
     "filter_traceback.<locals>.error_handler(*args, **kwargs)\n"
     "    119     filtered_tb = _process_traceback_frames(e.__traceback__)\n"
     "    120     # To get the full stack trace, call:\n"
     "    121     # `keras.config.disable_traceback_filtering()`\n"
     "--> 122     raise e.with_traceback(filtered_tb) from None\n"
     "    123 finally:\n"
     "    124     del filtered_tb\n\n"
     "File /opt/conda/lib/python3.11/site-packages/keras/src/saving/saving_api.py:114, in "
     "save_model(model, filepath, overwrite, zipped, **kwargs)\n"
     '    110 if str(filepath).endswith((".h5", ".hdf5")):\n'
     "    111     return legacy_h5_format.save_model_to_hdf5(\n"
     "    112         model, filepath, overwrite, include_optimizer\n"
     "    113     )\n"
     "--> 114 raise ValueError(\n"
     '    115     "Invalid filepath extension for saving. "\n'
     '    116     "Please add either a `.keras` extension for the native Keras "\n'
     '    117     f"format (r'),
    ("save-extension",  # https://github.com/mlflow/mlflow/pull/10162 (Keras 3.0 wording)
     "E           ValueError: Invalid filepath extension for saving. Please add either a `.keras` "
     "extension for the native Keras format (recommended) or a `.h5` extension. Use "
     "`tf.saved_model.save()` if you want to export a SavedModel for use with TFLite/TFServing/etc. "
     "Received: filepath=/tmp/pytest-of-runner/pytest-0/test_scoring_server_successful1/mod"),
    ("checkpoint-extension",  # https://github.com/AISyLab/Triplet-attack/issues/1 (Keras 3)
     "ValueError: The filepath provided must end in `.keras` (Keras model format). Received: "
     "filepath=Model/Triplet_model_ASCAD_HW_Triplet_ep1_BS512_ES32_desync0_alpha0_margin0.4_0.hdf5"),
    ("checkpoint-extension",  # https://github.com/kr-colab/ReLERNN/issues/53 (Keras 3)
     '  File "/home/quaranta/anaconda3/lib/python3.10/site-packages/keras/src/callbacks/'
     'model_checkpoint.py", line 191, in __init__\n    raise ValueError(\n'
     "ValueError: The filepath provided must end in `.keras` (Keras model format). Received: "
     "filepath=./example_output/networks/weights.h5"),
    ("weights-extension",  # https://github.com/hfawaz/dl-4-tsc/issues/53 (Keras 3.8)
     "ValueError(\nValueError: The filename must end in `.weights.h5`. Received: "
     "filepath=....model_init.hdf5"),
    # -- optimizer-decay
    ("optimizer-decay",  # https://github.com/balajisrinivas/Face-Mask-Detection/issues/29 (TF 2.11)
     "ValueError: decay is deprecated in the new Keras optimizer, pleasecheck the docstring for valid "
     "arguments, or use the legacy optimizer, e.g., tf.keras.optimizers.legacy.Adam."),
    ("optimizer-decay",  # https://github.com/balajisrinivas/Gender-Detection/issues/6 (TF 2.12)
     "ERROR: \nValueError: decay is deprecated in the new Keras optimizer, please check the docstring "
     "for valid arguments, or use the legacy optimizer, e.g., tf.keras.optimizers.legacy.Adam."),
    ("optimizer-decay",  # https://github.com/rstudio/keras3/pull/1354 (TF 2.11, from R)
     " Error in py_call_impl(callable, dots$args, dots$keywords) : \n"
     "ValueError: decay is deprecated in the new Keras optimizer, pleasecheck the docstring for valid "
     "arguments, or use the legacy optimizer, e.g., tf.keras.optimizers.legacy.Adam."),
    # -- optimizers-legacy
    ("optimizers-legacy",  # https://github.com/mrosol/Nonlincausality/pull/11 (Keras 3)
     "ImportError: keras.optimizers.legacy is not supported in Keras 3. When using tf.keras, to "
     "continue using a tf.keras.optimizers.legacy optimizer, you can install the tf_keras package "
     "(Keras 2) and set the environment variable TF_USE_LEGACY_KERAS=True to configure TensorFlow to "
     "use tf_keras when accessing tf.keras."),
    ("optimizers-legacy",  # https://github.com/amaiya/ktrain/issues/525 (Keras 3)
     "ImportError: `keras.optimizers.legacy` is not supported in Keras 3. When using `tf.keras`, to "
     "continue using a `tf.keras.optimizers.legacy` optimizer, you can install the `tf_keras` package "
     "(Keras 2) and set the environment variable `TF_USE_LEGACY_KERAS=True` to configure TensorFlow "
     "to use `tf_keras` when accessing `tf.keras`."),
    # -- np-utils
    ("np-utils",  # https://github.com/lukas/ml-class/issues/76 (Keras 3)
     "Traceback (most recent call last):\n"
     '  File "/Users/nelsnelson/Documents/code/ml-class/videos/intro/perceptron-single.py", line 4, '
     "in <module>\n    from keras.utils import np_utils\n"
     "ImportError: cannot import name 'np_utils' from 'keras.utils' (/Users/nelsnelson/Documents/code/"
     "ml-class/venv/lib/python3.9/site-packages/keras/utils/__init__.py)"),
    # -- image-data-generator
    ("image-data-generator",  # https://github.com/NeuralNetworkVerification/VeriX/issues/3 (Keras 3)
     "Traceback (most recent call last):\n"
     '  File "VeriX/gtsrb.py", line 6, in <module>\n'
     "    from keras.preprocessing.image import ImageDataGenerator\n"
     "ImportError: cannot import name 'ImageDataGenerator' from 'keras.preprocessing.image' (.pyenv/"
     "versions/verix-env/lib/python3.10/site-packages/keras/api/preprocessing/image/__init__.py)"),
    # -- layers-experimental
    ("layers-experimental",  # https://github.com/tensorflow/tensorflow/issues/56889 (Keras 2.9)
     "AttributeError                            Traceback (most recent call last)\n"
     "Input In [15], in <cell line: 1>()\n"
     "      1 resize_and_rescale = keras.Sequential([\n"
     "----> 2   layers.experimental.preprocessing.Resizing(IMAGE_SIZE, IMAGE_SIZE),\n"
     "      3   layers.experimental.preprocessing.Rescaling(1./255),\n"
     "      4 ])\n"
     "AttributeError: module 'keras.layers' has no attribute 'experimental'"),
    ("layers-experimental",  # https://github.com/tensorflow/models/issues/13495 (Keras 3; its title)
     "AttributeError: module 'keras._tf_keras.keras.layers' has no attribute 'experimental'"),
    # -- keras-wrappers
    ("keras-wrappers",  # https://github.com/keras-team/keras/issues/19747 (Keras 3.3)
     "from keras.wrappers.scikit_learn import KerasClassifier \n"
     "#ModuleNotFoundError: No module named 'keras.wrappers'"),
    ("keras-wrappers",  # https://github.com/adapt-python/adapt/issues/118 (TF 2.15)
     "ModuleNotFoundError: No module named 'tensorflow.keras.wrappers'"),
    # -- backend-functions
    ("backend-functions",  # https://github.com/bojone/bert_in_keras/issues/26 (Keras 2.3)
     "Traceback (most recent call last):\n"
     '  File "F:/pycharm/bert_in_keras/relation_extract.py", line 240, in <module>\n'
     "    k1v = Lambda(seq_gather)([t, k1])\n"
     '  File "D:\\software\\anoconda\\envs\\keras_bert\\lib\\site-packages\\keras\\engine\\base_layer.py", '
     "line 451, in __call__\n    output = self.call(inputs, **kwargs)\n"
     '  File "F:/pycharm/bert_in_keras/relation_extract.py", line 212, in seq_gather\n'
     "    return K.tf.gather_nd(seq, idxs)\n"
     "AttributeError: module 'keras.backend' has no attribute 'tf'"),
    ("backend-functions",  # https://github.com/coxlab/prednet/issues/82
     "if K._BACKEND == 'theano': AttributeError: module 'keras.backend' has no attribute '_BACKEND'"),
    # -- custom-class-on-load
    ("custom-class-on-load",  # https://github.com/keras-team/keras/issues/19899 (Keras 3.3)
     "    814     \"Make sure custom classes are decorated with \"\n"
     "    815     \"`@keras.saving.register_keras_serializable()`. \"\n"
     '    816     f"Full object config: {full_config}"\n'
     "    817 )\n\n"
     "TypeError: Could not locate class 'TokenAndPositionEmbedding'. Make sure custom classes are "
     "decorated with `@keras.saving.register_keras_serializable()`. Full object config: {'module': "
     "None, 'class_name': 'TokenAndPositionEmbedding', 'config': {'maxlen': 80, 'vocab_size': 20000, "
     "'embed_dim': 256, 'trainable': True, 'dtype': 'float32'}, 'registered_name': "
     "'TokenAndPositionEmbedding', 'build_config': {'input_shape': [None, 80]}, 'name': "
     "'token_and_position_embedding_11', 'inbound_nodes': [{'args': [{'class_name': "
     "'__keras_tensor__', 'config': {'shape': [None, 80], 'dtype': 'int32', 'keras_history': "
     "['input_layer_8', 0, 0]}}], 'kwargs': {}}]}\n\n"
     "During handling of the above exception, another exception occurred:\n\n"
     "TypeError                                 Traceback (most recent call last)\n"
     "Cell In[2], line 5\n"
     "      1 # from tensorflow.keras.utils import custom_object_scope\n"
     "      2 # from tensorflow.keras.utils import get_custom_objects\n"
     "      3 from tensorflow.keras import models\n"
     '----> 5 br_model = models.load_model("E:\\\\Alkaou\\Python Projects\\\\models\\\\br_model.keras")'),
    ("custom-class-on-load",  # https://github.com/aertslab/CREsted/issues/111 (Keras 3.9)
     "`TypeError: Could not locate class 'CosineMSELogLoss'. Make sure custom classes are decorated "
     "with `@keras.saving.register_keras_serializable()`. Full object config: {'module': "
     "'crested.tl.losses._cosinemse_log', 'class_name': 'CosineMSELogLoss', 'config': {'name': "
     "'CosineMSELogLoss', 'reduction': 'sum_over_batch_size', 'max_weight': 100}, "
     "'registered_name': 'CosineMSELogLoss'}`"),
    # -- symbolic-bool
    ("symbolic-bool",  # https://github.com/tkipf/keras-gcn/issues/55 (TF 2.0, Keras 2.3)
     '  File "/usr/local/lib/python3.6/dist-packages/tensorflow_core/python/framework/ops.py", line '
     '523, in _disallow_in_graph_mode\n    " this function with @tf.function.".format(task))\n'
     "tensorflow.python.framework.errors_impl.OperatorNotAllowedInGraphError: using a `tf.Tensor` as "
     "a Python `bool` is not allowed in Graph execution. Use Eager execution or decorate this "
     "function with @tf.function."),
    ("symbolic-bool",  # https://github.com/tensorflow/tensorflow/issues/29823 (TF 1.13)
     "  TypeError: Using a `tf.Tensor` as a Python `bool` is not allowed. Use `if t is not None:` "
     "instead of `if t:` to test if a tensor is defined, and use TensorFlow ops such as tf.cond to "
     "execute subgraphs conditioned on the value of a tensor."),
    # -- trainable-after-compile
    ("trainable-after-compile",  # https://github.com/davidADSP/GDL_code/issues/51 (Keras 2.2)
     "/home/danvk/GDL_code/venv/lib/python3.7/site-packages/keras/engine/training.py:297: "
     "UserWarning: Discrepancy between trainable weights and collected trainable weights, did you "
     "set `model.trainable` without calling `model.compile` after ?\n"
     "  'Discrepancy between trainable weights and collected trainable'"),
    ("trainable-after-compile",  # https://github.com/tensorflow/tensorflow/issues/22012 (TF 1.10)
     "WARNING:tensorflow:Discrepancy between trainable weights and collected trainable weights, did "
     "you set `model.trainable` without calling `model.compile` after ?"),
    # -- oom-gpu
    ("oom-gpu",  # https://github.com/rtavenar/keras_shapelets/issues/2 (TF 1.x)
     "ResourceExhaustedError: OOM when allocating tensor with shape[100,27,1,249] and type float on "
     "/job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc\n"
     "\t [[{{node false_conv_0/convolution/Conv2D}} = Conv2D[T=DT_FLOAT, data_format=\"NCHW\", "
     "dilations=[1, 1, 1, 1], padding=\"VALID\", strides=[1, 1, 1, 1], use_cudnn_on_gpu=true, "
     "_device=\"/job:localhost/replica:0/task:0/device:GPU:0\"](false_conv_0/convolution/Conv2D-0-"
     "TransposeNHWCToNCHW-LayoutOptimizer, false_conv_0/convolution/ExpandDims_1)]]\n"
     "Hint: If you want to see a list of allocated tensors when OOM happens, add "
     "report_tensor_allocations_upon_oom to RunOptions for current allocation info."),
    ("oom-gpu",  # https://github.com/keras-team/keras/issues/13376 (TF 2.0)
     "2019-09-30 08:59:59.988498: W tensorflow/core/framework/op_kernel.cc:1431] OP_REQUIRES failed "
     "at fused_batch_norm_op.cc:573 : Resource exhausted: OOM when allocating tensor with "
     "shape[295,64,256,256] and type float on /job:localhost/replica:0/task:0/device:GPU:0 by "
     "allocator GPU_0_bfc"),
    ("oom-gpu",  # https://github.com/tensorflow/tensor2tensor/issues/782 (TF 1.8)
     "2018-05-10 09:14:16.535628: W tensorflow/core/framework/op_kernel.cc:1192] Resource exhausted: "
     "OOM when allocating tensor with shape[123008,500]\n"
     "2018-05-10 09:14:16.536752: W tensorflow/core/common_runtime/bfc_allocator.cc:217] Allocator "
     "(GPU_0_bfc) ran out of memory trying to allocate 84.60MiB. The caller indicates that this is "
     "not a failure, but may mean that there could be performance gains if more memory is "
     "available."),
    # -- oom-cpu
    ("oom-cpu",  # https://github.com/shubhammor0403/EMNIST/issues/3
     "train_images = X_train.astype(np.float32)\n"
     "MemoryError: Unable to allocate 2.04 GiB for an array with shape (697932, 784, 1) and data "
     "type float32"),
    ("oom-cpu",  # https://github.com/debajyotikarmaker/cvpr_4234/issues/15
     "MemoryError: Unable to allocate 12.5 GiB for an array with shape (87000, 227, 227, 3) and data "
     "type uint8"),
    ("oom-cpu",  # https://github.com/davidsonic/Interpretable_CNNs_via_Feedforward_Design/issues/4
     "MemoryError:Unable to allocate array with shape (39146090,75) and data type float64"),
    # -- nan-loss
    ("nan-loss",  # https://github.com/manishsoni1908/Mobilenet-ssd-keras/issues/21 (TF 2.x)
     "Epoch 1/10\n"
     "  3/234 [..............................] - ETA: 33:37:24 - loss: 44.4110Batch 3: Invalid loss, "
     "terminating training\n"
     "  4/234 [..............................] - ETA: 25:09:00 - loss: inf "),
    ("nan-loss",  # https://github.com/alexander-rakhlin/CNN-for-Sentence-Classification-in-Keras/issues/7
     "Epoch 1/10\n"
     "9595/9595 [==============================] - 1s - loss: 0.6242 - acc: 0.6295 - val_loss: 0.5265 "
     "- val_acc: 0.7470\n"
     "Epoch 2/10\n"
     "9595/9595 [==============================] - 1s - loss: nan - acc: 0.4117 - val_loss: nan - "
     "val_acc: 0.0000e+00"),
    ("nan-loss",  # https://github.com/kr-colab/ReLERNN/issues/26
     " 99/100 [============================>.] - ETA: 3s - loss: nanEpoch 1/1000\n"
     "100/100 [==============================] - 332s 3s/step - loss: nan - val_loss: nan"),
    # -- kerastensor-tf-function
    ("kerastensor-tf-function",  # https://github.com/XuexiongLuoMQ/ComGA/issues/5 (Keras 3; its title)
     "ValueError: A KerasTensor cannot be used as input to a TensorFlow function."),
    ("kerastensor-tf-function",  # https://github.com/taipingeric/yolo-v4-tf.keras/issues/27 (Keras 3.0)
     "ValueError: A KerasTensor cannot be used as input to a TensorFlow function. A KerasTensor is a "
     "symbolic placeholder for a shape and dtype, used when constructing Keras Functional models or "
     "Keras Functions. You can only use it as input to a Keras layer or a Keras operation (from the "
     "namespaces `keras.layers` and `keras.operations`). You are likely doing something like:\n\n"
     "```\nx = Input(...)\n...\ntf_fn(x)  # Invalid.\n```\n\n"
     "What you should do instead is wrap `tf_fn` in a layer:\n\n"
     "```\nclass MyLayer(Layer):\n    def call(self, x):\n        return tf_fn(x)\n\n"
     "x = MyLayer()(x)\n```"),
    ("kerastensor-tf-function",  # https://github.com/MPolaris/onnx2tflite/issues/88 (Colab)
     "[/usr/local/lib/python3.10/dist-packages/keras/src/backend/common/keras_tensor.py]"
     "(https://localhost:8080/#) in __tf_tensor__(self, dtype, name)\n"
     "    136 \n"
     "    137     def __tf_tensor__(self, dtype=None, name=None):\n"
     "--> 138         raise ValueError(\n"
     '    139             "A KerasTensor cannot be used as input to a TensorFlow function. "\n'
     '    140             "A KerasTensor is a symbolic placeholder for a shape and dtype, "\n\n'
     "ValueError: A KerasTensor cannot be used as input to a TensorFlow function. A KerasTensor is a "
     "symbolic placeholder for a shape and dtype, used when constructing Keras Functional models or "
     "Keras Functions. You can only use it as input to a Keras layer or a Keras operation (from"),
    # -- load-savedmodel
    ("load-savedmodel",  # https://github.com/unicode-org/lstm_word_segmentation/issues/28 (Keras 3.0)
     "ValueError: File format not supported: \n"
     "filepath=/home/srvk/Desktop/lstm_w/lstm_word_segmentation/Models/Thai_graphclust_model4_heavy. \n"
     "Keras 3 only supports V3 .keras files and legacy H5 format files (`.h5` extension). Note that the "
     "legacy SavedModel format is not \n"
     "supported by load_model() in Keras 3. In order to reload a TensorFlow SavedModel as an "
     "inference-only layer in Keras 3, use \n"
     "keras.layers.TFSMLayer(/home/srvk/Desktop/lstm_w/lstm_word_segmentation/Models/"
     "Thai_graphclust_model4_heavy"),
    ("load-savedmodel",  # https://github.com/cbrnr/sleepecg/issues/214 (Keras 3)
     '  File "/home/clemens/Projects/sleepecg/sleepecg/classification.py", line 308, in load_classifier\n'
     '    classifier = keras.models.load_model(f"{tmpdir}/classifier")\n'
     "                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
     '  File "/home/clemens/.pyenv/versions/sleepecg/lib/python3.12/site-packages/keras/src/saving/'
     'saving_api.py", line 193, in load_model\n    raise ValueError(\n'
     "ValueError: File format not supported: filepath=/tmp/tmpea7_jhpo/classifier. Keras 3 only "
     "supports V3 `.keras` files and legacy H5 format files (`.h5` extension). Note that the legacy "
     "SavedModel format is not supported by `load_model()` in Keras 3. In order to reload a "
     "TensorFlow SavedModel as an inference-only layer in Keras 3, use `keras.layers.TFSMLayer("
     "/tmp/tmpea7_jhpo/classifier, call_endpoint='serving_default')"),
    # -- embedding-input-length
    ("embedding-input-length",  # https://github.com/keras-team/keras/issues/19282 (Keras 3.0)
     "ValueError: Unrecognized keyword arguments passed to Embedding: {'input_length': 500}"),
    ("embedding-input-length",  # https://github.com/PacktPublishing/Deep-Learning-with-TensorFlow-2-and-Keras/pull/12
     '  File "/home/guest/devel/python/Tensorflow/first_model/tf_imdb_test.py", line 31, in build_model\n'
     "    model.add(tf.keras.layers.Embedding(n_words, dim_embedding, input_length = max_len))\n"
     '  File "/home/guest/.local/lib/python3.9/site-packages/keras/src/layers/core/embedding.py", line '
     "69, in __init__\n    super().__init__(**kwargs)\n"
     '  File "/home/guest/.local/lib/python3.9/site-packages/keras/src/layers/layer.py", line 264, in '
     "__init__\n    raise ValueError(\n"
     "ValueError: Unrecognized keyword arguments passed to Embedding: {'input_length': 200}"),
    # -- unknown-loss / unknown-metric
    ("unknown-metric",  # https://github.com/adriangb/scikeras/issues/313 (Keras 3.0)
     "`ValueError: Could not interpret metric identifier: loss`"),
    ("unknown-loss",  # https://github.com/imenebak/UAV-Crowd-Counting/issues/3 (TF 2.8)
     "ValueError: Unknown loss function: accuracy"),
    ("unknown-loss",  # https://github.com/NEGU93/cvnn/issues/24
     "【Error happens】ValueError: Unknown loss function:ComplexAverageCrossEntropy"),
    # -- object-dtype
    ("object-dtype",  # https://github.com/charlesmalafosse/sports-betting-customloss/issues/1 (TF 2.x)
     '  File "C:\\Users\\utente\\AppData\\Local\\anaconda3\\lib\\site-packages\\tensorflow\\python\\'
     'framework\\constant_op.py", line 102, in convert_to_eager_tensor\n'
     "    return ops.EagerTensor(value, ctx.device_name, dtype)\n"
     "ValueError: Failed to convert a NumPy array to a Tensor (Unsupported object type float)."),
    ("object-dtype",  # https://github.com/nicknochnack/Tensorflow-in-10-Minutes/issues/2
     "ValueError                                Traceback (most recent call last)\n"
     "Cell In[20], line 1\n"
     "----> 1 model.fit(X_train, y_train, epochs=20, batch_size=32)\n"
     "...\n"
     "     96     dtype = dtypes.as_dtype(dtype).as_datatype_enum\n"
     "     97 ctx.ensure_initialized()\n"
     "---> 98 return ops.EagerTensor(value, ctx.device_name, dtype)\n\n"
     "ValueError: Failed to convert a NumPy array to a Tensor (Unsupported object type int)."),
]

# Errors that are not Keras's: explain must answer "no entry for this error" (exit 1).
NOT_KERAS = [
    # https://github.com/tensorflow/tensorflow/issues/41401 (a CUDA driver mismatch)
    "RuntimeError: cudaGetDevice() failed. Status: CUDA driver version is insufficient for CUDA "
    "runtime version",
    # https://github.com/keras-team/keras/issues/21162 (a pip resolver conflict)
    "ERROR: pip's dependency resolver does not currently take into account all the packages that "
    "are installed. This behaviour is the source of the following dependency conflicts.\n"
    "gensim 4.3.3 requires numpy<2.0,>=1.18.5, but you have numpy 2.1.3 which is incompatible.\n"
    "tensorflow-intel 2.13.1 requires keras<2.14,>=2.13.1, but you have keras 3.9.2 which is "
    "incompatible.\n"
    "tensorflow-intel 2.13.1 requires numpy<=1.24.3,>=1.22, but you have numpy 2.1.3 which is "
    "incompatible.",
    # A missing data file: Python's own FileNotFoundError for pd.read_csv on a path that is not
    # there (written here, not pasted)
    "Traceback (most recent call last):\n"
    '  File "train.py", line 8, in <module>\n'
    '    df = pd.read_csv("data/train.csv")\n'
    "FileNotFoundError: [Errno 2] No such file or directory: 'data/train.csv'",
    # https://github.com/keras-team/keras/issues/16602 (tensorflow not installed)
    "ModuleNotFoundError: No module named 'tensorflow'",
]
