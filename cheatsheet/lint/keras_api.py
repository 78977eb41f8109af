"""What the installed Keras offers, read from its files as text: lint never imports Keras.

Keras 3's public API is a tree of generated `keras/<module>/__init__.py` files whose lines say
`from keras.src.x import Name as Name` (a name) or `from keras import sub as sub` (a module). A
public name's keyword arguments are read with `ast` from the class that line points to. The
strings `compile()` and `Dense(activation=...)` accept are a table here (tests/lint keeps it
equal to the installed Keras: resolving them would mean importing it).
"""

import ast
import functools
import importlib.util
import os
import re

PUBLIC = re.compile(r"^from (keras[\w.]*) import \(?\s*(\w+) as (\w+)", re.MULTILINE)

# Strings that keras.losses.get / keras.metrics.get / keras.optimizers.get /
# keras.activations.get accept (Keras 3.15; tests/lint/test_tables.py keeps them equal).
LOSSES = frozenset((
    "BCE BinaryCrossentropy BinaryFocalCrossentropy CTC CategoricalCrossentropy "
    "CategoricalFocalCrossentropy CategoricalHinge Circle CosineSimilarity Dice Hinge Huber KLD "
    "KLDivergence LogCosh Loss LossFunctionWrapper MAE MAPE MSE MSLE MeanAbsoluteError "
    "MeanAbsolutePercentageError MeanSquaredError MeanSquaredLogarithmicError Poisson "
    "SparseCategoricalCrossentropy SquaredHinge Tversky bce binary_crossentropy "
    "binary_focal_crossentropy categorical_crossentropy categorical_focal_crossentropy "
    "categorical_hinge circle cosine_similarity ctc dice hinge huber kl_divergence kld log_cosh "
    "mae mape mean_absolute_error mean_absolute_percentage_error mean_squared_error "
    "mean_squared_logarithmic_error mse msle poisson sparse_categorical_crossentropy "
    "squared_hinge tversky").split())
METRICS = frozenset((
    "AUC Accuracy BCE BinaryAccuracy BinaryCrossentropy BinaryIoU CategoricalAccuracy "
    "CategoricalCrossentropy CategoricalHinge ConcordanceCorrelation CosineSimilarity F1Score "
    "FBetaScore FalseNegatives FalsePositives Hinge IoU KLDivergence LogCoshError MAE MAPE MSE "
    "MSLE Mean MeanAbsoluteError MeanAbsolutePercentageError MeanIoU MeanMetricWrapper "
    "MeanSquaredError MeanSquaredLogarithmicError Metric OneHotIoU OneHotMeanIoU "
    "PearsonCorrelation Poisson Precision PrecisionAtRecall R2Score Recall RecallAtPrecision "
    "RootMeanSquaredError SensitivityAtSpecificity SparseCategoricalAccuracy "
    "SparseCategoricalCrossentropy SparseTopKCategoricalAccuracy SpecificityAtSensitivity "
    "SquaredHinge Sum TopKCategoricalAccuracy TrueNegatives TruePositives accuracy auc bce "
    "binary_accuracy binary_crossentropy binary_io_u categorical_accuracy "
    "categorical_crossentropy categorical_hinge concordance_correlation cosine_similarity "
    "f1_score f_beta_score false_negatives false_positives hinge io_u kl_divergence "
    "log_cosh_error mae mape mean mean_absolute_error mean_absolute_percentage_error mean_io_u "
    "mean_metric_wrapper mean_squared_error mean_squared_logarithmic_error metric mse msle "
    "one_hot_io_u one_hot_mean_io_u pearson_correlation poisson precision precision_at_recall "
    "r2_score recall recall_at_precision root_mean_squared_error sensitivity_at_specificity "
    "sparse_categorical_accuracy sparse_categorical_crossentropy "
    "sparse_top_k_categorical_accuracy specificity_at_sensitivity squared_hinge sum "
    "top_k_categorical_accuracy true_negatives true_positives").split())
METRICS_ANY_CASE = frozenset(("accuracy", "acc", "crossentropy", "ce"))  # compile's own
OPTIMIZERS = frozenset((  # matched lower-cased, as keras.optimizers.deserialize does
    "adadelta adafactor adagrad adam adamax adamw ftrl lion lossscaleoptimizer multioptimizer "
    "muon nadam optimizer optimizermap rmsprop schedulefreeadamw sgd").split())
ACTIVATIONS = frozenset((
    "celu elu exponential gelu glu hard_shrink hard_sigmoid hard_silu hard_swish hard_tanh "
    "leaky_relu linear log_sigmoid log_softmax mish relu relu6 selu sigmoid silu soft_shrink "
    "softmax softplus softsign sparse_plus sparse_sigmoid sparsemax squareplus swish tanh "
    "tanh_shrink threshold").split())


def loss_ok(name):
    return name in LOSSES


def metric_ok(name):
    return name in METRICS or name.lower() in METRICS_ANY_CASE


def optimizer_ok(name):
    return name.lower() in OPTIMIZERS


@functools.cache
def keras_directory():
    """The installed keras package's folder, or None (lint then skips what needs it)."""
    try:
        spec = importlib.util.find_spec("keras")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return list(spec.submodule_search_locations)[0]


@functools.cache
def version():
    directory = keras_directory()
    if directory is None:
        return "?"
    try:
        with open(os.path.join(directory, "src", "version.py"), encoding="utf-8") as file:
            found = re.search(r"__version__ = \"([^\"]+)\"", file.read())
    except OSError:
        return "?"
    return found.group(1) if found else "?"


@functools.cache
def module_names(dotted):
    """{public name: (source module, its name there)} of keras module `dotted` ("keras.layers"),
    or None when the installed Keras has no such public module."""
    directory = keras_directory()
    if directory is None or dotted.split(".")[0] != "keras":
        return None
    parts = dotted.split(".")[1:]
    if any(part.startswith("_") for part in parts):
        return None
    path = os.path.join(directory, *parts, "__init__.py")
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except OSError:
        return None
    return {alias: (source, name) for source, name, alias in PUBLIC.findall(text)}


def exists(dotted):
    """True when `keras.a.b.C` is a public module or name of the installed Keras; None when no
    Keras is installed to ask."""
    if keras_directory() is None:
        return None
    parts = dotted.split(".")
    if module_names(dotted) is not None:
        return True
    names = module_names(".".join(parts[:-1]))
    return names is not None and parts[-1] in names


def longest_public(dotted):
    """How many leading parts of `keras.a.b.c` the installed Keras has (1 for `keras`)."""
    parts = dotted.split(".")
    count = 1
    for end in range(2, len(parts) + 1):
        if not exists(".".join(parts[:end])):
            break
        count = end
    return count


def source_of(dotted):
    """(file, class name) where public name `keras.a.B` is defined, or None."""
    parts = dotted.split(".")
    names = module_names(".".join(parts[:-1])) or {}
    if parts[-1] not in names:
        return None
    module, name = names[parts[-1]]
    if not module.startswith("keras.src"):
        return None
    return module_file(module), name


def module_file(module):
    base = os.path.join(keras_directory(), *module.split(".")[1:])
    return base + ".py" if os.path.exists(base + ".py") else os.path.join(base, "__init__.py")


def parsed(path):
    """The module at `path` as an ast tree, or None; each path asked for is noted in _read."""
    _read.append(path)
    return _parse(path)


@functools.cache
def _parse(path):
    try:
        with open(path, encoding="utf-8") as file:
            return ast.parse(file.read())
    except (OSError, SyntaxError, ValueError):
        return None


_read = []  # the files parsed for the keyword_names call under way

KEYWORDS_FORMAT = 1  # what the cache file holds; a change gives new files, never a misread one


def keyword_names(dotted):
    """The keyword arguments the constructor of public class `keras.a.B` accepts, or None where
    it cannot be told (not a class, or an __init__ whose **kwargs go somewhere not followed).

    lint is a lookup, and parsing Keras's layer modules (layer.py is 2,000 lines) cost more
    than the rest of its work (bench/README.md): so each answer is kept in the cache file
    `lint-keras` (cheatsheet.cache) beside the size and modification time of every file it was
    read from, and is read back while they are unchanged."""
    from .. import cache

    if keras_directory() is None:
        return None
    stored = _stored_keywords()
    entry = stored.get(dotted)
    if entry is not None:
        names, stats = entry
        try:
            if cache.file_stats(stat[0] for stat in stats) == stats:
                return None if names is None else frozenset(names)
        except OSError:  # a file it was read from is gone: read it again
            pass
    parts = dotted.split(".")
    _read[:] = [os.path.join(keras_directory(), *parts[1:-1], "__init__.py")]  # its names
    found = source_of(dotted)
    names = None if found is None else class_keywords(*found, depth=0)
    try:
        stats = cache.file_stats(dict.fromkeys(_read))
    except OSError:  # the name's module is not there: nothing to keep
        return names
    stored[dotted] = (None if names is None else tuple(sorted(names))), stats
    cache.store("lint-keras", _keywords_key(), stored)
    return names


@functools.cache
def _stored_keywords():
    from .. import cache

    found = cache.load("lint-keras", _keywords_key())
    return found[0] if found is not None and isinstance(found[0], dict) else {}


@functools.cache
def _keywords_key():
    """Where Keras is and the code that reads it: a Keras elsewhere, or an edit of this module,
    starts the cache file afresh."""
    from .. import cache

    try:
        return KEYWORDS_FORMAT, keras_directory(), cache.file_stats([os.path.abspath(__file__)])
    except OSError:  # this module is not a file (a zip import): no cache
        return None


def class_keywords(path, name, depth):
    tree = parsed(path)
    if tree is None or depth > 6:
        return None
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    node = classes.get(name)
    if node is None:
        return None
    init = next((item for item in node.body
                 if isinstance(item, ast.FunctionDef) and item.name == "__init__"), None)
    if init is None:  # inherited: the first base's
        return base_keywords(tree, path, node, depth)
    arguments = init.args
    names = {argument.arg for argument in arguments.args[1:] + arguments.kwonlyargs}
    if arguments.kwarg is None:
        return frozenset(names)
    names |= popped_keywords(init, arguments.kwarg.arg)
    if refuses_the_rest(init, arguments.kwarg.arg):  # `if kwargs: raise ...` (Layer's own)
        return frozenset(names)
    inherited = base_keywords(tree, path, node, depth)
    return None if inherited is None else frozenset(names | inherited)


def base_keywords(tree, path, node, depth):
    if not node.bases:
        return frozenset()
    base = node.bases[0]
    base_name = base.id if isinstance(base, ast.Name) else (
        base.attr if isinstance(base, ast.Attribute) else None)
    if base_name is None:
        return None
    if base_name == "object":
        return frozenset()
    if any(isinstance(item, ast.ClassDef) and item.name == base_name for item in tree.body):
        return class_keywords(path, base_name, depth + 1)
    for item in tree.body:  # from keras.src.x import Base
        if isinstance(item, ast.ImportFrom) and item.module and \
                item.module.startswith("keras.src"):
            for alias in item.names:
                if (alias.asname or alias.name) == base_name:
                    target = module_file(f"{item.module}.{alias.name}")
                    if os.path.exists(target):  # a module, not a class
                        return None
                    return class_keywords(module_file(item.module), alias.name, depth + 1)
    return None


def refuses_the_rest(function, kwargs_name):
    return any(isinstance(node, ast.If) and isinstance(node.test, ast.Name)
               and node.test.id == kwargs_name
               and any(isinstance(inner, ast.Raise) for inner in node.body)
               for node in ast.walk(function))


def popped_keywords(function, kwargs_name):
    """Names read out of **kwargs: kwargs.pop("x"), kwargs.get("x"), "x" in kwargs, kwargs["x"]."""
    names = set()
    for node in ast.walk(function):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("pop", "get") and isinstance(node.func.value, ast.Name)
                and node.func.value.id == kwargs_name and node.args
                and isinstance(node.args[0], ast.Constant)):
            names.add(node.args[0].value)
        elif (isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant)
              and len(node.comparators) == 1 and isinstance(node.comparators[0], ast.Name)
              and node.comparators[0].id == kwargs_name):
            names.add(node.left.value)
        elif (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
              and node.value.id == kwargs_name and isinstance(node.slice, ast.Constant)):
            names.add(node.slice.value)
    return {name for name in names if isinstance(name, str)}
