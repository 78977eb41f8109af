"""Detection: one `ast` walk over a file (or a notebook's cells), the rules of rules.py applied.

No Keras import: Keras's public names come from keras_api, which reads the installed package's
files. Positions are 1-based lines and 0-based character columns (`ast` counts UTF-8 bytes).
"""

import ast
import re
from typing import NamedTuple

from . import keras_api
from .rules import BY_CODE, SAFE, UNSAFE


class Edit(NamedTuple):
    """One change a fix makes, found by the position of the node it changes (fixes.py)."""
    kind: str  # replace | rename_keyword | remove_arg | default_none | statement | import_keras
    start: tuple = (0, 0)
    end: tuple = (0, 0)
    text: str = ""


class Fix(NamedTuple):
    safety: str  # rules.SAFE or rules.UNSAFE
    description: str
    edits: tuple


class Finding(NamedTuple):
    rule: str
    line: int
    col: int  # 0-based, in characters
    end_line: int
    end_col: int
    message: str
    fix: Fix | None = None
    cell: int | None = None

    @property
    def severity(self):
        return BY_CODE[self.rule].severity

    @property
    def card(self):
        return BY_CODE[self.rule].card


# Conventional names a lab uses without importing them in the same cell or file.
DEFAULT_ALIASES = {"tf": "tensorflow", "keras": "keras", "np": "numpy", "K": "keras.backend",
                   "layers": "keras.layers", "hub": "tensorflow_hub"}
IGNORE = re.compile(r"#\s*cheatsheet:\s*ignore(?:\[([A-Z0-9,\s]+)\])?")
MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")
CALLBACKS_WITH_MONITOR = {"EarlyStopping", "ModelCheckpoint", "ReduceLROnPlateau"}
GENERATOR_METHODS = {"fit_generator": "fit", "evaluate_generator": "evaluate",
                     "predict_generator": "predict"}
LOADER_ONLY = ("workers", "use_multiprocessing", "max_queue_size")
LOSS_RENAMES = {"huber_loss": "huber", "crossentropy": "categorical_crossentropy",
                "logcosh": "log_cosh", "cosine_proximity": "cosine_similarity"}
PROBABILITY_LOSSES = {"sparse_categorical_crossentropy", "categorical_crossentropy",
                      "binary_crossentropy", "SparseCategoricalCrossentropy",
                      "CategoricalCrossentropy", "BinaryCrossentropy"}
BACKEND_HINTS = {  # K.<fn> with no keras.ops.<fn> of the same name
    "set_value": "`variable.assign(value)`", "get_value": "`keras.ops.convert_to_numpy(x)`",
    "int_shape": "`x.shape`", "placeholder": "`keras.Input(shape=...)`",
    "function": "a `keras.Model` of the tensors you want", "batch_get_value":
    "`[keras.ops.convert_to_numpy(v) for v in variables]`"}
INPUT_SAFE_ATTRIBUTES = {"shape", "ndim", "dtype", "name"}
REMOVED_PATHS = (  # (path prefix, rule): the first that matches a missing keras name wins
    ("keras.preprocessing.image.ImageDataGenerator", "KC103"),
    ("keras.preprocessing.text", "KC104"),
    ("keras.utils.np_utils", "KC105"),
    ("keras.wrappers.scikit_learn", "KC106"),
    ("keras.layers.experimental", "KC107"),
    ("keras.backend.", "KC109"),
)


class LintSyntaxError(Exception):
    """The code does not parse: message names the line (and the cell) where."""

    def __init__(self, line, col, message):
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


class Source:
    """The text being checked, its lines, and ast-to-character position conversion."""

    def __init__(self, text):
        self.text = text
        self.lines = text.splitlines(keepends=True) or [""]

    def column(self, line, byte_col):
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))

    def start(self, node):
        return node.lineno, self.column(node.lineno, node.col_offset)

    def end(self, node):
        return node.end_lineno, self.column(node.end_lineno, node.end_col_offset)

    def segment(self, node):
        """The node's source text (ast.get_source_segment splits the whole text each call)."""
        line, col = self.start(node)
        end_line, end_col = self.end(node)
        if line == end_line:
            return self.lines[line - 1][col:end_col]
        return "".join([self.lines[line - 1][col:], *self.lines[line:end_line - 1],
                        self.lines[end_line - 1][:end_col]])


def parse(text):
    try:
        return ast.parse(text)
    except SyntaxError as error:
        raise LintSyntaxError(error.lineno or 1, (error.offset or 1) - 1,
                              f"syntax error: {error.msg}") from None
    except ValueError as error:  # a NUL byte
        raise LintSyntaxError(1, 0, f"cannot parse: {error}") from None


def lint_text(text, aliases=None):
    """The findings of one Python source text. `aliases`: names bound elsewhere (a notebook's
    other cells), added to the text's own imports."""
    tree = parse(text)
    return Checker(Source(text), tree, aliases).run()


def imported_names(tree, nodes=None):
    """{local name: dotted module path} from the imports anywhere in `tree`."""
    names = {}
    for node in ast.walk(tree) if nodes is None else nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    names[root] = root
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.name != "*":
                    names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                elif keras_path(node.module)[0]:  # from tensorflow.keras.layers import *
                    public = keras_api.module_names(keras_path(node.module)[0]) or {}
                    names.update({name: f"{node.module}.{name}" for name in public})
    return names


def assigned_names(tree, nodes=None):
    names = set()
    for node in ast.walk(tree) if nodes is None else nodes:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def keras_path(dotted):
    """("keras.a.b", how) for a dotted name in Keras's namespace: how is "keras",
    "tensorflow" (tf.keras) or None when it is not Keras's."""
    if dotted is None:
        return None, None
    if dotted == "keras" or dotted.startswith("keras."):
        return dotted, "keras"
    for prefix in ("tensorflow.keras", "tensorflow.python.keras"):
        if dotted == prefix or dotted.startswith(prefix + "."):
            return "keras" + dotted[len(prefix):], "tensorflow"
    return None, None


def literal(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def quoted(segment, value):
    """`value` as a string literal in the quotes `segment` (the literal it replaces) used."""
    quote = segment[:1] if segment[:1] in ("'", '"') else "'"
    if quote in value or "\\" in value or not value.isprintable():
        return repr(value)
    return f"{quote}{value}{quote}"


def keyword(call, name):
    return next((item for item in call.keywords if item.arg == name), None)


class Checker:
    def __init__(self, source, tree, aliases=None):
        self.source, self.tree = source, tree
        self.findings = []
        self.nodes, self.parents = [], {}  # one walk; every check reads these
        stack = [tree]
        while stack:
            node = stack.pop()
            self.nodes.append(node)
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
                stack.append(child)
        self.nodes.reverse()  # roughly in source order
        self.own_imports = own = imported_names(tree, self.nodes)
        self.bound = bound = assigned_names(tree, self.nodes) | set(own) | set(aliases or {})
        self.aliases = {name: path for name, path in DEFAULT_ALIASES.items() if name not in bound}
        self.aliases.update(aliases or {})
        self.aliases.update(own)
        imported = {**(aliases or {}), **own}  # `keras` really bound, not assumed
        self.keras_bound = keras_path(imported.get("keras"))[0] == "keras"
        self.own_functions = {node.name for node in self.nodes
                              if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
        self.bindings = {}  # name -> the value last assigned to it (by line), in any scope
        for node in self.nodes:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                    node.targets[0], ast.Name):
                known = self.bindings.get(node.targets[0].id)
                if known is None or known.lineno <= node.value.lineno:
                    self.bindings[node.targets[0].id] = node.value

    # -- helpers --------------------------------------------------------------------------------

    def add(self, code, node, message=None, fix=None, end_node=None):
        rule = BY_CODE[code]
        line, col = self.source.start(node)
        end_line, end_col = self.source.end(end_node or node)
        self.findings.append(Finding(code, line, col, end_line, end_col,
                                     message or rule.summary, fix))

    def dotted(self, node):
        """`tf.keras.layers.Dense` -> "tensorflow.keras.layers.Dense" by the imports; None for
        anything but a chain of names."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        root = self.aliases.get(node.id) or self.assumed(node.id)
        if root is None:
            return None
        return ".".join([root, *reversed(parts)])

    def assumed(self, name):
        """A class name used but never imported or bound (a cheat sheet's fragment, a cell whose
        imports ran elsewhere): Keras's, when the installed Keras has it."""
        if name in self.bound or not name[:1].isupper():
            return None
        for module in ("keras.layers", "keras"):
            if keras_api.exists(f"{module}.{name}"):
                return f"{module}.{name}"
        return None

    def keras_name(self, node):
        return keras_path(self.dotted(node))[0]

    def class_name(self, call):
        """The Keras public class or function a call makes ("keras.layers.Dense"), or None."""
        return self.keras_name(call.func)

    def replace(self, node, text):
        return Edit("replace", self.source.start(node), self.source.end(node), text)

    def literal(self, node, value):
        """An edit that replaces string literal `node` by `value`, in the same quotes."""
        return self.replace(node, quoted(self.source.segment(node), value))

    def fix(self, safety, description, *edits):
        if any(edit.text.startswith("keras") for edit in edits
                                  if edit.kind == "replace") and not self.keras_bound:
            edits = (*edits, Edit("import_keras"))
        return Fix(safety, description, tuple(edits))

    def run(self):
        for node in self.nodes:
            if isinstance(node, ast.Attribute) and not isinstance(
                    self.parents.get(node), ast.Attribute):
                self.check_chain(node)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                self.check_import(node)
            elif isinstance(node, ast.Call):
                self.check_call(node)
            elif isinstance(node, ast.ClassDef):
                self.check_class(node)
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                self.check_softmax(node)
        self.check_heads()
        self.check_trainable_order()
        return self.without_ignored(sorted(set(self.findings), key=lambda f: (f.line, f.col,
                                                                             f.rule)))

    def without_ignored(self, findings):
        kept = []
        for finding in findings:
            text = self.source.lines[finding.line - 1] if finding.line <= len(
                self.source.lines) else ""
            found = IGNORE.search(text)
            if found and (found.group(1) is None or finding.rule in {
                    code.strip() for code in found.group(1).split(",")}):
                continue
            kept.append(finding)
        return kept

    # -- KC1xx: names -----------------------------------------------------------------------------

    def check_chain(self, node):
        dotted = self.dotted(node)
        path, how = keras_path(dotted)
        if path is None:
            self.check_other_chain(node, dotted)
            return
        parts = path.split(".")
        chain = [node]  # chain[i]: the Attribute node ending at part -(i+1)
        while isinstance(chain[-1], ast.Attribute):
            chain.append(chain[-1].value)

        def node_for(count):  # the sub-expression that spells parts[:count]
            index = len(parts) - count
            return chain[index] if 0 <= index < len(chain) else None

        if path.startswith("keras.optimizers.legacy.") and len(parts) >= 4:
            target = node_for(3)
            fix = None
            if target is not None and isinstance(target, ast.Attribute):
                fix = self.fix(SAFE, f"use keras.optimizers.{parts[3]}",
                               self.replace(target, self.source.segment(target.value)))
            self.add("KC108", node, fix=fix)
            return
        found = keras_api.exists(path)
        if found is None:
            return
        if not found:
            self.missing(path, node, node_for)
            return
        if how == "tensorflow":
            root = chain[-1]
            if self.aliases.get(root.id) == "tensorflow" and len(chain) >= 2:
                target = chain[-2]  # `tf.keras`
                self.add("KC101", node, f"`{self.source.segment(node)}`: the installed Keras "
                         f"has `{path}`; use `import keras`",
                         fix=self.fix(SAFE, "tf.keras -> keras", self.replace(target, "keras")))

    def missing(self, path, node, node_for):
        parts = path.split(".")
        known = keras_api.longest_public(path)
        if keras_api.module_names(".".join(parts[:known])) is None:
            return  # an attribute of a public class or function: not a namespace question
        missing = ".".join(parts[:known + 1])
        code = next((code for prefix, code in REMOVED_PATHS
                     if missing.startswith(prefix) or prefix.startswith(missing + ".")
                     or (missing + ".").startswith(prefix)), "KC110")
        fix = None
        if code == "KC107":
            layer = parts[-1]
            target = node_for(len(parts) - 1)
            if keras_api.exists(f"keras.layers.{layer}") and target is not None:
                base = node_for(2)
                if base is not None:
                    fix = self.fix(SAFE, f"use layers.{layer}",
                                   self.replace(target, self.source.segment(base)))
        elif code == "KC109":
            function = parts[known] if known < len(parts) else ""
            target = node_for(known)
            if keras_api.exists(f"keras.ops.{function}") and target is not None:
                fix = self.fix(UNSAFE, f"use keras.ops.{function}",
                               self.replace(target, "keras.ops"))
            hint = f"`keras.ops.{function}`" if fix else BACKEND_HINTS.get(function)
            message = (f"`{self.source.segment(node)}`: Keras {keras_api.version()}'s "
                       f"keras.backend has no `{function}`" + (f"; use {hint}" if hint else ""))
            self.add(code, node, message, fix)
            return
        message = (f"`{missing}` is not in the installed Keras {keras_api.version()}"
                   if code == "KC110" else None)
        self.add(code, node, message, fix)

    def check_other_chain(self, node, dotted):
        # KC303: optimizer.lr
        if node.attr == "lr" and isinstance(node.ctx, ast.Load | ast.Store) and \
                self.is_optimizer(node.value):
            self.add("KC303", node, fix=self.fix(SAFE, "lr -> learning_rate", self.replace(
                node, f"{self.source.segment(node.value)}.learning_rate")))
        if dotted and (dotted == "tf_keras" or dotted.startswith("tf_keras.")) and \
                self.uses_keras():
            self.add("KC111", node)
        if dotted and dotted.startswith("tensorflow_hub.KerasLayer") and self.uses_keras():
            self.add("KC111", node, "`hub.KerasLayer` is a tf_keras layer: it cannot go into a "
                                    "Keras 3 model (use keras_hub, or "
                                    "`keras.layers.TFSMLayer` on the SavedModel)")

    def uses_keras(self):
        return any(keras_path(path)[0] for path in self.own_imports.values())

    def is_optimizer(self, node):
        if isinstance(node, ast.Attribute) and node.attr == "optimizer":
            return True
        if isinstance(node, ast.Name):
            value = self.bindings.get(node.id)
            if isinstance(value, ast.Call):
                name = self.class_name(value) or ""
                return name.startswith("keras.optimizers.")
            return node.id in ("optimizer", "opt", "optim")
        return False

    def check_import(self, node):
        if isinstance(node, ast.Import):
            for alias in node.names:
                path, how = keras_path(alias.name)
                if how == "tensorflow":
                    self.add("KC102", node, f"`import {alias.name}`: use `import keras`")
                elif path and path != "keras" and keras_api.exists(path) is False:
                    self.missing(path, node, lambda count: None)
                elif alias.name.split(".")[0] == "tf_keras":
                    if self.uses_keras():
                        self.add("KC111", node)
            return
        if not node.module or node.level:
            return
        names = [alias.name for alias in node.names]
        if node.module == "tensorflow" and "keras" in names:
            fix = None
            if names == ["keras"]:
                asname = node.names[0].asname
                fix = self.fix(SAFE, "import keras", Edit(
                    "statement", self.source.start(node), self.source.end(node),
                    "import keras" + (f" as {asname}" if asname and asname != "keras" else "")))
            self.add("KC102", node, "`from tensorflow import keras`: use `import keras`", fix)
            return
        path, how = keras_path(node.module)
        if path is None:
            return
        missing = [name for name in names if name != "*"
                   and keras_api.exists(f"{path}.{name}") is False]
        for name in missing:
            self.missing(f"{path}.{name}", node, lambda count: None)
        if keras_api.exists(path) is False and not missing:
            self.missing(path, node, lambda count: None)
        if how == "tensorflow" and not missing and keras_api.exists(path):
            module = node.module
            start = self.source.start(node)
            text = self.source.lines[start[0] - 1]
            column = text.find(module, start[1])
            fix = None
            if column >= 0:
                fix = self.fix(SAFE, f"from {path} import ...", Edit(
                    "replace", (start[0], column), (start[0], column + len(module)), path))
            self.add("KC102", node, f"`from {module} import ...`: use `from {path} import ...`",
                     fix)

    # -- calls --------------------------------------------------------------------------------

    def check_call(self, call):
        name = self.class_name(call)
        if name and name.startswith("keras.layers."):
            self.check_layer(call, name)
        if name and (name.startswith("keras.optimizers.")):
            self.check_optimizer(call)
        if name and name.startswith("keras.callbacks."):
            self.check_checkpoint(call, name)
        if name and name.split(".")[-1] == "load_model" and call.args:
            path = literal(call.args[0])
            if path is not None and not path.endswith(MODEL_SUFFIXES):
                self.add("KC403", call)
        if isinstance(call.func, ast.Attribute):
            self.check_method(call, call.func.attr, call.func.value)

    def check_layer(self, call, name):
        layer = name.split(".")[-1]
        accepted = keras_api.keyword_names(name)
        for item in call.keywords:
            if item.arg is None:
                continue
            if item.arg in ("input_shape", "input_dim") and layer == "InputLayer":
                if item.arg == "input_shape":
                    self.add("KC202", item, fix=self.fix(SAFE, "input_shape= -> shape=", Edit(
                        "rename_keyword", self.source.start(item), text="shape")))
            elif item.arg in ("input_shape", "input_dim"):
                self.add("KC201", item)
            elif item.arg == "batch_input_shape" and layer != "InputLayer":
                self.add("KC204", item)
            elif item.arg == "input_length" and layer == "Embedding":
                self.add("KC203", item, fix=self.fix(SAFE, "remove input_length=", Edit(
                    "remove_arg", self.source.start(item))))
            elif item.arg == "alpha" and layer == "LeakyReLU":
                self.add("KC205", item, fix=self.fix(SAFE, "alpha= -> negative_slope=", Edit(
                    "rename_keyword", self.source.start(item), text="negative_slope")))
            elif accepted is not None and item.arg not in accepted:
                self.add("KC206", item, f"`{layer}` takes no `{item.arg}=` in Keras "
                                        f"{keras_api.version()}")
            if item.arg == "activation":
                activation = literal(item.value)
                if activation is not None and activation not in keras_api.ACTIVATIONS:
                    self.add("KC207", item.value, f"activation {activation!r} is not a Keras "
                                                  "activation name")
        if layer == "Activation" and call.args:
            activation = literal(call.args[0])
            if activation is not None and activation not in keras_api.ACTIVATIONS:
                self.add("KC207", call.args[0], f"activation {activation!r} is not a Keras "
                                                "activation name")
        if layer == "Dense":
            units = call.args[0] if call.args else getattr(keyword(call, "units"), "value", None)
            activation = keyword(call, "activation")
            if isinstance(units, ast.Constant) and units.value == 1 and activation is not None \
                    and literal(activation.value) == "softmax":
                self.add("KC501", activation, fix=self.fix(UNSAFE, "softmax -> sigmoid",
                                                           self.replace(activation.value, quoted(
                                                           self.source.segment(activation.value),
                                                           "sigmoid"))))

    def check_optimizer(self, call):
        for item in call.keywords:
            if item.arg == "lr":
                self.add("KC301", item, fix=self.fix(SAFE, "lr= -> learning_rate=", Edit(
                    "rename_keyword", self.source.start(item), text="learning_rate")))
            elif item.arg == "decay":
                self.add("KC302", item)

    def check_checkpoint(self, call, name):
        if name.split(".")[-1] != "ModelCheckpoint":
            return
        target = call.args[0] if call.args else getattr(keyword(call, "filepath"), "value", None)
        path = literal(target)
        if path is None:
            return
        weights_only = keyword(call, "save_weights_only")
        if weights_only is not None and isinstance(weights_only.value, ast.Constant) and \
                weights_only.value.value is True:
            self.check_weights_path(target, path)
        elif weights_only is None and not path.endswith(".keras"):
            if path.endswith((".h5", ".hdf5")):
                return  # legacy, still accepted
            self.add("KC405", target, fix=self.suffix_fix(target, path, ".keras"))

    def suffix_fix(self, node, path, suffix):
        stem, dot, extension = path.rpartition(".")
        if not dot or "/" in extension or "{" in extension:
            new, safety = path + suffix, SAFE
        else:
            new, safety = stem + suffix, UNSAFE
        return self.fix(safety, f"{path!r} -> {new!r}", self.literal(node, new))

    def check_weights_path(self, node, path):
        if path.endswith(".weights.h5"):
            return
        if path.endswith(".h5"):
            new, safety = path[:-3] + ".weights.h5", SAFE
            fix = self.fix(safety, f"{path!r} -> {new!r}", self.literal(node, new))
        else:
            fix = self.suffix_fix(node, path, ".weights.h5")
        self.add("KC404", node, fix=fix)

    def check_method(self, call, method, receiver):
        if method in GENERATOR_METHODS and method not in self.own_functions:
            new = GENERATOR_METHODS[method]
            plain = len(call.args) <= 1 and not any(item.arg in LOADER_ONLY
                                                    for item in call.keywords)
            self.add("KC304", call.func, f"`{method}` is gone in Keras 3: `{new}` takes "
                                         "generators and datasets",
                     self.fix(SAFE if plain else UNSAFE, f"{method} -> {new}", self.replace(
                         call.func, f"{self.source.segment(receiver)}.{new}")))
        elif method in ("predict_classes", "predict_proba") and method not in self.own_functions:
            arguments = ", ".join(self.source.segment(item)
                                  for item in [*call.args, *call.keywords])
            text = f"{self.source.segment(receiver)}.predict({arguments})" + (
                ".argmax(axis=-1)" if method == "predict_classes" else "")
            self.add("KC305", call.func, f"`{method}` is gone in Keras 3: "
                                         "`predict(x).argmax(axis=-1)` (or `> 0.5` for one "
                                         "sigmoid unit)",
                     self.fix(UNSAFE, f"{method}(...) -> predict(...)",
                              self.replace(call, text)))
        if method in ("fit", "evaluate", "predict", *GENERATOR_METHODS):
            for item in call.keywords:
                if item.arg in LOADER_ONLY:
                    self.add("KC306", item, f"`{method}({item.arg}=)` raises in Keras 3: it "
                                            "belongs to a `keras.utils.PyDataset`",
                             self.fix(SAFE, f"remove {item.arg}=", Edit(
                                 "remove_arg", self.source.start(item))))
        if method in ("fit", "fit_generator"):
            self.check_monitors(call)
        if method == "compile":
            self.check_compile(call)
        if method == "save" and call.args and self.is_model(receiver):
            path = literal(call.args[0])
            save_format = keyword(call, "save_format")
            if path is not None and not path.endswith(MODEL_SUFFIXES):
                self.add("KC401", call.args[0], fix=self.suffix_fix(call.args[0], path,
                                                                    ".keras"))
            if save_format is not None:
                good = path is not None and path.endswith(MODEL_SUFFIXES)
                self.add("KC402", save_format, fix=self.fix(
                    SAFE if good else UNSAFE, "remove save_format=",
                    Edit("remove_arg", self.source.start(save_format))))
        if method == "save_weights" and call.args and self.is_model(receiver):
            path = literal(call.args[0])
            if path is not None:
                self.check_weights_path(call.args[0], path)

    def is_model(self, node):
        if isinstance(node, ast.Name):
            value = self.bindings.get(node.id)
            if isinstance(value, ast.Call) and (self.class_name(value) or "").split(".")[-1] in (
                    "Sequential", "Model", "load_model", "clone_model"):
                return True
            return "model" in node.id.lower()
        if isinstance(node, ast.Attribute):
            return "model" in node.attr.lower()
        return False

    def check_monitors(self, call):
        if any(item.arg in ("validation_data", "validation_split", None)
               for item in call.keywords):
            return
        if len(call.args) >= 10:  # validation_split, validation_data given by position
            return
        callbacks = keyword(call, "callbacks")
        if callbacks is None or not isinstance(callbacks.value, ast.List | ast.Tuple):
            return
        for element in callbacks.value.elts:
            made = self.bindings.get(element.id) if isinstance(element, ast.Name) else element
            if not isinstance(made, ast.Call):
                continue
            name = (self.class_name(made) or "").split(".")[-1]
            if name not in CALLBACKS_WITH_MONITOR:
                continue
            monitor = keyword(made, "monitor")
            value = "val_loss" if monitor is None else literal(monitor.value)
            if value and value.startswith("val_"):
                self.add("KC307", element, f"`{name}` monitors `{value}` but this fit has no "
                                           "validation data: it never acts")

    def check_compile(self, call):
        optimizer = call.args[0] if call.args else getattr(keyword(call, "optimizer"), "value",
                                                           None)
        name = literal(optimizer)
        if name is not None and not keras_api.optimizer_ok(name):
            self.add("KC309", optimizer, f"optimizer {name!r} is not a Keras optimizer name")
        loss = call.args[1] if len(call.args) > 1 else getattr(keyword(call, "loss"), "value",
                                                               None)
        losses = loss.elts if isinstance(loss, ast.List | ast.Tuple) else (
            loss.values if isinstance(loss, ast.Dict) else [loss])
        for item in losses:
            name = literal(item)
            if name is not None and not keras_api.loss_ok(name):
                new = LOSS_RENAMES.get(name)
                self.add("KC505", item, f"loss {name!r} is not a Keras loss name"
                         + (f"; use {new!r}" if new else ""),
                         self.fix(SAFE, f"{name!r} -> {new!r}", self.literal(item, new))
                         if new else None)
        metrics = call.args[2] if len(call.args) > 2 else getattr(keyword(call, "metrics"),
                                                                  "value", None)
        if isinstance(metrics, ast.List | ast.Tuple):
            for item in metrics.elts:
                name = literal(item)
                if name is not None and not keras_api.metric_ok(name):
                    self.add("KC506", item, f"metric {name!r} is not a Keras metric name")

    # -- KC5xx: the head against the loss -------------------------------------------------------

    def heads(self):
        """The output Dense of each Sequential([...]) literal and each Dense bound to a name
        like `outputs`: [(call, units or None, activation name or None)]."""
        found, named = [], {}
        for node in self.nodes:
            if isinstance(node, ast.Call) and (self.class_name(node) or "").endswith(
                    "Sequential") and node.args and isinstance(node.args[0], ast.List) and \
                    node.args[0].elts:
                last = node.args[0].elts[-1]
                if isinstance(last, ast.Call):
                    found.append(last)
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                    node.targets[0], ast.Name) and node.targets[0].id in ("outputs", "output"):
                scope = next(iter(self.scopes_of(node)), self.tree)
                known = named.get((scope, node.targets[0].id))
                if known is None or known.lineno < node.lineno:  # the last one is the head
                    named[(scope, node.targets[0].id)] = node
        for node in named.values():
            value = node.value
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Call):
                found.append(value.func)  # outputs = Dense(3, ...)(x)
        heads = []
        for call in found:
            if (self.class_name(call) or "").split(".")[-1] != "Dense":
                continue
            units = call.args[0] if call.args else getattr(keyword(call, "units"), "value", None)
            activation = keyword(call, "activation")
            heads.append((call, units.value if isinstance(units, ast.Constant) else None,
                          None if activation is None else literal(activation.value)
                          or "?"))
        return heads

    def check_heads(self):
        heads = self.heads()
        if len(heads) != 1:
            return  # no model, or several: which loss goes with which is not sure
        _, units, activation = heads[0]
        for node in self.nodes:
            if not isinstance(node, ast.Call):
                continue
            name = (self.class_name(node) or "").split(".")[-1]
            logits = keyword(node, "from_logits")
            if name in PROBABILITY_LOSSES and logits is not None and isinstance(
                    logits.value, ast.Constant) and logits.value.value is True and \
                    activation in ("softmax", "sigmoid"):
                self.add("KC502", logits, f"`from_logits=True` but the head applies "
                                          f"{activation}: a double activation")
            if name in PROBABILITY_LOSSES and logits is None and activation is None:
                self.add("KC503", node)
            if isinstance(node.func, ast.Attribute) and node.func.attr == "compile":
                loss = node.args[1] if len(node.args) > 1 else getattr(
                    keyword(node, "loss"), "value", None)
                loss_name = literal(loss)
                if loss_name in PROBABILITY_LOSSES and activation is None:
                    self.add("KC503", loss)
                if loss_name in ("categorical_crossentropy", "CategoricalCrossentropy") and \
                        units == 1:
                    self.add("KC504", loss, "categorical cross-entropy on a one-unit head is "
                                            "always 0: use binary_crossentropy")
                if loss_name == "binary_crossentropy" and activation == "softmax" and \
                        isinstance(units, int) and units > 2:
                    self.add("KC504", loss, f"binary cross-entropy on a {units}-class softmax "
                                            "head: use (sparse_)categorical_crossentropy")

    # -- KC308: trainable after compile and fit -------------------------------------------------

    def check_trainable_order(self):
        """Within each scope (the module, each function) in line order; a call of one of the
        file's own functions counts as the compile or fit it makes (`compile_at(model)`)."""
        events = []
        for node in self.nodes:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in ("compile", "fit"):
                events.append((node, {node.func.attr}))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                events.append((node, node.func.id))  # resolved below, once `makes` is known
            elif isinstance(node, ast.Assign) and any(
                    isinstance(target, ast.Attribute) and target.attr == "trainable"
                    for target in node.targets):
                events.append((node, {"trainable"}))
        makes = {}  # function name -> {"compile", "fit"} that its body makes
        for node, kinds in events:
            if isinstance(kinds, set) and kinds & {"compile", "fit"}:
                for scope in self.scopes_of(node):
                    if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
                        makes.setdefault(scope.name, set()).update(kinds)
        by_scope = {}
        for node, kinds in events:
            kinds = kinds if isinstance(kinds, set) else makes.get(kinds)
            if kinds:
                scope = next(iter(self.scopes_of(node)), self.tree)
                by_scope.setdefault(scope, []).append((node.lineno, node.col_offset, kinds,
                                                       node))
        for found in by_scope.values():
            compiled = fitted = False
            pending = []
            for _, _, kinds, node in sorted(found, key=lambda event: event[:2]):
                if "compile" in kinds:
                    compiled, fitted, pending = True, False, []
                if "fit" in kinds and compiled:
                    fitted = True
                if "trainable" in kinds and compiled and fitted:
                    pending.append(node)
            for node in pending:
                self.add("KC308", node)

    def scopes_of(self, node):
        """The functions, lambdas and classes around `node`, innermost first."""
        parent = self.parents.get(node)
        while parent is not None:
            if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef |
                          ast.Lambda):
                yield parent
            parent = self.parents.get(parent)

    # -- KC507: a NumPy softmax over axis 0 -------------------------------------------------------

    def check_softmax(self, node):
        denominator = node.right
        if not (isinstance(denominator, ast.Call) and self.dotted(denominator.func) in (
                "numpy.sum",) and denominator.args):
            return
        summed = denominator.args[0]
        value = self.bindings.get(summed.id) if isinstance(summed, ast.Name) else summed
        if not (isinstance(value, ast.Call) and self.dotted(value.func) == "numpy.exp"):
            return
        axis = keyword(denominator, "axis")
        axis = axis.value if axis is not None else (
            denominator.args[1] if len(denominator.args) > 1 else None)
        if axis is None or (isinstance(axis, ast.Constant) and axis.value == 0):
            self.add("KC507", denominator)

    # -- KC6xx: custom layers -------------------------------------------------------------------

    def check_class(self, node):
        methods = {item.name: item for item in node.body if isinstance(item, ast.FunctionDef)}
        call = methods.get("call")
        if call is None or not node.bases:
            return
        arguments = call.args
        positional = arguments.posonlyargs + arguments.args
        defaults = [None] * (len(positional) - len(arguments.defaults)) + list(
            arguments.defaults)
        for argument, default in zip(positional, defaults, strict=True):
            if argument.arg == "training" and default is None:
                self.add("KC601", argument, fix=self.fix(SAFE, "training -> training=None", Edit(
                    "default_none", self.source.start(argument))))
        for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
            if argument.arg == "training" and default is None:
                self.add("KC601", argument, fix=self.fix(SAFE, "training -> training=None", Edit(
                    "default_none", self.source.start(argument))))
        inputs = {argument.arg for argument in positional[1:2]}
        for statement in ast.walk(call):
            if isinstance(statement, ast.If | ast.While) and self.tests_a_tensor(
                    statement.test, inputs):
                self.add("KC602", statement.test)
        init = methods.get("__init__")
        config = methods.get("get_config")
        if init is not None and init.args.kwarg is None and config is not None and any(
                isinstance(item, ast.Call) and isinstance(item.func, ast.Attribute)
                and item.func.attr == "get_config" and isinstance(item.func.value, ast.Call)
                and isinstance(item.func.value.func, ast.Name)
                and item.func.value.func.id == "super" for item in ast.walk(config)):
            self.add("KC603", init)

    def tests_a_tensor(self, test, inputs):
        """Does this `if` test use a tensor's value (not its shape, dtype or None-ness)?"""
        if isinstance(test, ast.BoolOp):
            return any(self.tests_a_tensor(value, inputs) for value in test.values)
        if isinstance(test, ast.UnaryOp):
            return self.tests_a_tensor(test.operand, inputs)
        if isinstance(test, ast.Compare) and all(isinstance(op, ast.Is | ast.IsNot | ast.In
                                                            | ast.NotIn) for op in test.ops):
            return False
        if isinstance(test, ast.Call):
            name = self.dotted(test.func) or (test.func.id if isinstance(test.func, ast.Name)
                                              else "")
            if name in ("isinstance", "len", "hasattr", "callable", "getattr"):
                return False
            if (keras_path(name)[0] or "").startswith("keras.ops."):
                return True
        for node in ast.walk(test):
            if isinstance(node, ast.Call):
                name = keras_path(self.dotted(node.func))[0] or ""
                if name.startswith("keras.ops."):
                    return True
            if isinstance(node, ast.Name) and node.id in inputs:
                parent = self.parents.get(node)
                if isinstance(parent, ast.Attribute) and parent.attr in INPUT_SAFE_ATTRIBUTES:
                    continue
                if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and \
                        parent.func.id in ("isinstance", "len", "hasattr"):
                    continue
                return True
        return False

