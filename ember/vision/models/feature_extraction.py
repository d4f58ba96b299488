"""``torchvision.models.feature_extraction``: intermediate activations of a model by node name.

``get_graph_node_names(model)`` traces the model with ``ember.fx`` (once in train mode, once in
eval mode) and lists its nodes' names; ``create_feature_extractor(model, return_nodes)`` rewrites
the traced graph to return the requested nodes as a dict and drops everything they do not need.

A node's name is the ``.``-separated path of the module that produced it, below the top level:
a leaf module's own path (``"layer1.0.conv1"``), or for a function or method call the path of the
module whose ``forward`` made it followed by the operation's name (``"layer1.0.add"``). A name
seen again under the same parent gets ``_1``, ``_2``, ... (``"layer1.0.relu_1"``). A requested
name may be a prefix ending at a ``.`` boundary (``"layer1"``): the last node under it is returned.

>>> from ember.vision.models import resnet18
>>> from ember.vision.models.feature_extraction import create_feature_extractor
>>> fx = create_feature_extractor(resnet18(), {"layer1": "feat1", "layer3": "feat2"})
>>> [(k, tuple(v.shape)) for k, v in fx(ember.rand(1, 3, 64, 64)).items()]
[('feat1', (1, 64, 16, 16)), ('feat2', (1, 256, 4, 4))]
"""
import copy
import inspect
import itertools
import math
import re
import warnings
from collections import OrderedDict

from ... import fx, nn
from ...fx.graph_module import _copy_attr

__all__ = ["create_feature_extractor", "get_graph_node_names"]


class LeafModuleAwareTracer(fx.Tracer):
    """An ``fx.Tracer`` that also keeps the module classes in ``leaf_modules`` whole."""

    def __init__(self, *args, leaf_modules=(), **kwargs):
        self.leaf_modules = list(leaf_modules)
        super().__init__(*args, **kwargs)

    def is_leaf_module(self, m, module_qualname):
        if self.leaf_modules and isinstance(m, tuple(self.leaf_modules)):
            return True
        return super().is_leaf_module(m, module_qualname)


class NodePathTracer(LeafModuleAwareTracer):
    """A tracer that records, for every node it creates, its node name (``node_to_qualname``,
    in the order the nodes were traced)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_module_qualname = ""
        self.node_to_qualname = OrderedDict()

    def call_module(self, m, forward, args, kwargs):
        outer = self.current_module_qualname
        try:
            self.current_module_qualname = self.path_of_module(m)
            return super().call_module(m, forward, args, kwargs)
        finally:
            self.current_module_qualname = outer

    def create_proxy(self, kind, target, args, kwargs, name=None, type_expr=None, *rest, **kw):
        proxy = super().create_proxy(kind, target, args, kwargs, name, type_expr, *rest, **kw)
        self.node_to_qualname[proxy.node] = self._get_node_qualname(self.current_module_qualname, proxy.node)
        return proxy

    def _get_node_qualname(self, module_qualname, node):
        name = module_qualname
        if node.op != "call_module":
            name = f"{name}.{node}" if name else str(node)
        if re.match(r".+_[0-9]+$", name):        # fx's own (graph-wide) counter comes off ...
            name = name.rsplit("_", 1)[0]
        for seen in reversed(self.node_to_qualname.values()):   # ... and a per-parent one goes on
            m = re.match(rf"{re.escape(name)}(_[0-9]+)?$", seen)
            if m:
                name += f"_{int(m.group(1)[1:]) + 1 if m.group(1) else 1}"
                break
        return name


def _is_subsequence(seq, sub):
    it = iter(seq)
    return all(any(a == b for a in it) for b in sub)


def _warn_graph_differences(train_tracer, eval_tracer):
    train = list(train_tracer.node_to_qualname.values())
    evaln = list(eval_tracer.node_to_qualname.values())
    if train == evaln:
        return
    hint = ("When choosing nodes for feature extraction, you may need to specify output nodes for train and "
            "eval mode separately.")
    if _is_subsequence(train, evaln):
        msg = "NOTE: The nodes obtained by tracing the model in eval mode are a subsequence of those obtained in train mode. "
    elif _is_subsequence(evaln, train):
        msg = "NOTE: The nodes obtained by tracing the model in train mode are a subsequence of those obtained in eval mode. "
    else:
        msg = "The nodes obtained by tracing the model in train mode are different to those obtained in eval mode. "
    warnings.warn(msg + hint)


def _set_default_tracer_kwargs(tracer_kwargs):
    """torchvision's defaults: ``math`` and ``torchvision.ops`` functions are wrapped (recorded as
    calls), ``torchvision.ops`` modules (the models' shared blocks among them) are leaves; the
    caller's values are extended."""
    from .. import ops
    kw = {} if tracer_kwargs is None else tracer_kwargs
    wrap = (math, ops)
    leaves = [o for _, o in inspect.getmembers(ops) if inspect.isclass(o) and issubclass(o, nn.Module)]
    kw["autowrap_modules"] = tuple(set(kw.get("autowrap_modules", ()) + wrap))
    kw["leaf_modules"] = list(set(list(kw.get("leaf_modules", [])) + leaves))
    return kw


def get_graph_node_names(model, tracer_kwargs=None, suppress_diff_warning=False, concrete_args=None):
    """The node names of ``model``, in execution order: ``(train_nodes, eval_nodes)``.

    >>> from ember.vision.models import resnet18
    >>> from ember.vision.models.feature_extraction import get_graph_node_names
    >>> train_nodes, eval_nodes = get_graph_node_names(resnet18())
    >>> train_nodes[:5], train_nodes[-3:]
    (['x', 'conv1', 'bn1', 'relu', 'maxpool'], ['avgpool', 'flatten', 'fc'])
    """
    tracer_kwargs = _set_default_tracer_kwargs(tracer_kwargs)
    was_training = model.training
    train_tracer = NodePathTracer(**tracer_kwargs)
    train_tracer.trace(model.train(), concrete_args=concrete_args)
    eval_tracer = NodePathTracer(**tracer_kwargs)
    eval_tracer.trace(model.eval(), concrete_args=concrete_args)
    if not suppress_diff_warning:
        _warn_graph_differences(train_tracer, eval_tracer)
    model.train(was_training)
    return list(train_tracer.node_to_qualname.values()), list(eval_tracer.node_to_qualname.values())


class DualGraphModule(fx.GraphModule):
    """A GraphModule with a train-mode and an eval-mode graph: ``train(mode)`` switches between
    them. Its submodules are those either graph uses, copied from ``root``."""

    def __init__(self, root, train_graph, eval_graph, class_name="GraphModule"):
        nn.Module.__init__(self)              # (fx.GraphModule's own __init__ takes one graph)
        self.__class__.__name__ = self.__class__.__qualname__ = class_name
        for node in itertools.chain(train_graph.nodes, eval_graph.nodes):
            if node.op in ("get_attr", "call_module"):
                if not isinstance(node.target, str):
                    raise TypeError(f"node.target should be of type str instead of {type(node.target)}")
                _copy_attr(root, self, node.target)
        if eval_graph._tracer_cls != train_graph._tracer_cls:
            raise TypeError(f"Train mode and eval mode should use the same tracer class. Instead got "
                            f"{eval_graph._tracer_cls} for eval vs {train_graph._tracer_cls} for train")
        self.meta = {}
        self._tracer_cls = train_graph._tracer_cls
        self.train_graph, self.eval_graph = train_graph, eval_graph
        self.training = True
        self.graph = train_graph

    def train(self, mode=True):
        if mode and not self.training:
            self.graph = self.train_graph
        elif not mode and self.training:
            self.graph = self.eval_graph
        return super().train(mode)

    def __deepcopy__(self, memo):
        res = DualGraphModule.__new__(DualGraphModule)
        memo[id(self)] = res
        nn.Module.__init__(res)
        res.__class__.__name__ = type(self).__name__
        for k, v in self.__dict__.items():
            if k not in ("_graph", "_code"):
                object.__setattr__(res, k, copy.deepcopy(v, memo))
        res.graph = res.train_graph if res.training else res.eval_graph
        return res


def _as_strdict(nodes):
    if isinstance(nodes, list):
        return {str(n): str(n) for n in nodes}
    return {str(k): str(v) for k, v in nodes.items()}


def _rewrite(model, tracer_kwargs, concrete_args, return_nodes):
    """Trace ``model`` (in its current mode) and make a graph returning ``return_nodes``."""
    tracer = NodePathTracer(**tracer_kwargs)
    graph = tracer.trace(model, concrete_args=concrete_args)
    name = model.__class__.__name__ if isinstance(model, nn.Module) else model.__name__
    gm = fx.GraphModule(tracer.root, graph, name)
    available = list(tracer.node_to_qualname.values())
    if len(set(available)) != len(available):
        raise ValueError("There are duplicate nodes! Please raise an issue https://github.com/pytorch/vision/issues")
    for query in return_nodes:
        if not any(re.match(rf"^{re.escape(query)}(\.|$)", n) for n in available):
            raise ValueError(f"node: '{query}' is not present in model. Hint: use `get_graph_node_names` to make "
                             "sure the `return_nodes` you specified are present. It may even be that you need to "
                             "specify `train_return_nodes` and `eval_return_nodes` separately.")
    outputs = [n for n in reversed(gm.graph.nodes) if n.op == "output"]
    if not outputs:
        raise ValueError("No output nodes found in graph_module.graph.nodes")
    for n in outputs:
        gm.graph.erase_node(n)
    nodes = list(gm.graph.nodes)
    pending = dict(return_nodes)
    found = OrderedDict()
    for n in reversed(nodes):            # the last node under each requested prefix
        qual = tracer.node_to_qualname.get(n)
        if qual is None:
            continue
        for query in pending:
            if ".".join(qual.split(".")[:query.count(".") + 1]) == query:
                found[pending.pop(query)] = n
                break
    found = OrderedDict(reversed(list(found.items())))
    with gm.graph.inserting_after(nodes[-1]):
        gm.graph.output(found)
    gm.graph.eliminate_dead_code()
    gm.recompile()
    return tracer, graph, name


def create_feature_extractor(model, return_nodes=None, train_return_nodes=None, eval_return_nodes=None,
                             tracer_kwargs=None, suppress_diff_warning=False, concrete_args=None):
    """A GraphModule that runs ``model`` up to the requested nodes and returns them in a dict.

    ``return_nodes`` is a list of node names, or a dict from node name to output key; give
    ``train_return_nodes`` and ``eval_return_nodes`` instead when the two modes differ.

    >>> from ember.vision.models import resnet18
    >>> from ember.vision.models.feature_extraction import create_feature_extractor
    >>> net = create_feature_extractor(resnet18(), ["layer4", "flatten"])
    >>> {k: tuple(v.shape) for k, v in net(ember.rand(2, 3, 32, 32)).items()}
    {'layer4': (2, 512, 1, 1), 'flatten': (2, 512)}
    """
    tracer_kwargs = _set_default_tracer_kwargs(tracer_kwargs)
    was_training = model.training
    if all(a is None for a in (return_nodes, train_return_nodes, eval_return_nodes)):
        raise ValueError("Either `return_nodes` or `train_return_nodes` and `eval_return_nodes` together, "
                         "should be specified")
    if (train_return_nodes is None) ^ (eval_return_nodes is None):
        raise ValueError("If any of `train_return_nodes` and `eval_return_nodes` are specified, then both "
                         "should be specified")
    if not ((return_nodes is None) ^ (train_return_nodes is None)):
        raise ValueError("If `train_return_nodes` and `eval_return_nodes` are specified, then both should be "
                         "specified")
    if train_return_nodes is None:
        train_return_nodes = eval_return_nodes = _as_strdict(return_nodes)
    else:
        train_return_nodes, eval_return_nodes = _as_strdict(train_return_nodes), _as_strdict(eval_return_nodes)
    tracers, graphs = {}, {}
    for mode, wanted in (("train", train_return_nodes), ("eval", eval_return_nodes)):
        model.train(mode == "train")
        tracers[mode], graphs[mode], name = _rewrite(model, tracer_kwargs, concrete_args, wanted)
    if not suppress_diff_warning:
        _warn_graph_differences(tracers["train"], tracers["eval"])
    gm = DualGraphModule(model, graphs["train"], graphs["eval"], class_name=name)
    model.train(was_training)
    gm.train(was_training)
    return gm
