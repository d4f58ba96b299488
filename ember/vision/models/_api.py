"""torchvision's model registry and weights API: ``Weights``, ``WeightsEnum``,
``list_models``/``get_model``/``get_model_weights``/``get_weight``, and the legacy
``pretrained=True`` interface.

The published weight sets (file names, URLs, metrics, preprocessing) are data read
from ``_weights_table.json``; the 1,000 ImageNet class names from
``imagenet_categories.txt``.

>>> from ember.vision.models._api import get_weight
>>> from ember.vision.models import get_weight
>>> get_weight("ResNet50_Weights.IMAGENET1K_V2").meta["num_params"]
25557032
"""
import enum
import fnmatch
import functools
import inspect
import json
import os
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["Weights", "WeightsEnum", "register_model", "list_models", "get_model", "get_model_builder",
           "get_model_weights", "get_weight"]

_HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass(eq=False)
class Weights:
    """One published weight set: its ``url``, its preprocessing ``transforms`` and its ``meta``.

    >>> from ember.vision.models._api import Weights
    >>> w = Weights("https://x/y-0123abcd.pth", transforms=None, meta={"num_params": 1})
    >>> w.meta["num_params"]
    1
    """
    url: str
    transforms: Callable
    meta: dict = field(default_factory=dict)

    def __eq__(self, other):
        if not isinstance(other, Weights):
            return NotImplemented
        if self.url != other.url or self.meta != other.meta:
            return False
        a, b = self.transforms, other.transforms
        if isinstance(a, functools.partial) and isinstance(b, functools.partial):
            return a.func == b.func and a.args == b.args and a.keywords == b.keywords
        return a == b

    __hash__ = None


class WeightsEnum(enum.Enum):
    """Base class of every ``*_Weights`` enum; members wrap a :class:`Weights`.

    >>> from ember.vision.models import ResNet18_Weights
    >>> ResNet18_Weights.verify("IMAGENET1K_V1") is ResNet18_Weights.DEFAULT
    True
    """

    @classmethod
    def verify(cls, obj):
        """Turn a member name (or ``"Enum.NAME"``) into the member; check the type otherwise.

        >>> from ember.vision.models import VGG16_Weights
        >>> VGG16_Weights.verify(None) is None
        True
        """
        if obj is not None:
            if type(obj) is str:
                obj = cls[obj.replace(cls.__name__ + ".", "")]
            elif not isinstance(obj, cls):
                raise TypeError(
                    f"Invalid Weight class provided; expected {cls.__name__} but received {obj.__class__.__name__}.")
        return obj

    def get_state_dict(self, *args, **kwargs):
        """The state_dict, from the hub cache (downloaded when online); see ``ember.hub.load_state_dict_from_url``.

        >>> from ember.vision.models import AlexNet_Weights
        >>> callable(AlexNet_Weights.DEFAULT.get_state_dict)
        True
        """
        from ...hub import load_state_dict_from_url
        return load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self):
        return f"{self.__class__.__name__}.{self._name_}"

    @property
    def url(self):
        """The published file's URL.

        >>> from ember.vision.models import ResNet18_Weights
        >>> ResNet18_Weights.DEFAULT.url.rsplit("/", 1)[-1]
        'resnet18-f37072fd.pth'
        """
        return self.value.url

    @property
    def transforms(self):
        """A factory of the inference preprocessing preset (call it to build the transform).

        >>> from ember.vision.models import ResNet18_Weights
        >>> ResNet18_Weights.DEFAULT.transforms().crop_size
        [224]
        """
        return self.value.transforms

    @property
    def meta(self):
        """The weights' metadata dict (``categories``, ``num_params``, ``_metrics``, ``recipe``...).

        >>> from ember.vision.models import ResNet18_Weights
        >>> ResNet18_Weights.DEFAULT.meta["categories"][:2]
        ['tench', 'goldfish']
        """
        return self.value.meta


@functools.lru_cache(maxsize=None)
def _table():
    with open(os.path.join(_HERE, "_weights_table.json")) as f:
        return json.load(f)


@functools.lru_cache(maxsize=None)
def _imagenet_categories():
    with open(os.path.join(_HERE, "imagenet_categories.txt")) as f:
        return [line.rstrip("\n") for line in f if line.strip()]


@functools.lru_cache(maxsize=None)
def _categories(name):
    """A category list shipped as package data (``imagenet``, ``voc``, ``kinetics400``)."""
    if name == "imagenet":
        return _imagenet_categories()
    with open(os.path.join(_HERE, f"{name}_categories.txt")) as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def _make_weights_enum(model_name, table=None, module=None):
    """Build the ``*_Weights`` enum of one builder from a published-weights table (default: the
    classification table; ``table`` a json file name in this folder, ``module`` the enum's module)."""
    from ..transforms import _presets
    from ..transforms.functional import InterpolationMode
    if table is None:
        entry = _table()[model_name]
    else:
        with open(os.path.join(_HERE, table)) as f:
            entry = json.load(f)[model_name]
    preset = getattr(_presets, entry.get("preset", "ImageClassification"))
    members = []
    for w in entry["weights"]:
        tr = {k: tuple(v) if isinstance(v, list) else v for k, v in w["transforms"].items()}
        if "interpolation" in tr:
            tr["interpolation"] = InterpolationMode(tr["interpolation"])
        meta = dict(w["meta"])
        if "min_size" in meta:
            meta["min_size"] = tuple(meta["min_size"])
        if isinstance(meta.get("categories"), str):
            meta["categories"] = list(_categories(meta["categories"]))
        members.append((w["name"], Weights(w["url"], functools.partial(preset, **tr), meta)))
    by_name = dict(members)
    members.append(("DEFAULT", by_name[entry["default"]]))
    return WeightsEnum(entry["enum"], members, module=module or __name__.rsplit(".", 1)[0], qualname=entry["enum"])


# ---------------------------------------------------------------- registry
BUILTIN_MODELS = {}


def register_model(name=None):
    """Decorator adding a builder to the registry under ``name`` (default: its ``__name__``).

    >>> from ember.vision.models._api import BUILTIN_MODELS
    >>> "resnet50" in BUILTIN_MODELS
    True
    """
    def wrapper(fn):
        key = name if name is not None else fn.__name__
        if key in BUILTIN_MODELS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")
        BUILTIN_MODELS[key] = fn
        return fn
    return wrapper


def list_models(module=None, include=None, exclude=None):
    """Sorted names of the registered builders, optionally filtered by module and fnmatch patterns.

    >>> from ember.vision.models._api import list_models
    >>> list_models(include="resnet1*")
    ['resnet101', 'resnet152', 'resnet18']
    """
    names = {k for k, v in BUILTIN_MODELS.items()
             if module is None or v.__module__.rsplit(".", 1)[0] == module.__name__}
    if include:
        pats = [include] if isinstance(include, str) else include
        picked = set()
        for p in pats:
            picked |= set(fnmatch.filter(names, p))
        names = picked
    if exclude:
        pats = [exclude] if isinstance(exclude, str) else exclude
        for p in pats:
            names -= set(fnmatch.filter(names, p))
    return sorted(names)


def get_model_builder(name):
    """The builder function registered under ``name`` (case-insensitive).

    >>> from ember.vision.models._api import get_model_builder
    >>> get_model_builder("ResNet18").__name__
    'resnet18'
    """
    name = name.lower()
    try:
        return BUILTIN_MODELS[name]
    except KeyError:
        raise ValueError(f"Unknown model {name}") from None


def get_model(name, **config):
    """Build the registered model ``name`` with ``config`` passed to its builder.

    >>> from ember.vision.models._api import get_model
    >>> get_model("squeezenet1_1", num_classes=3).classifier[1].out_channels
    3
    """
    return get_model_builder(name)(**config)


def get_model_weights(name):
    """The ``*_Weights`` enum of a builder (given by name or as the function).

    >>> from ember.vision.models._api import get_model_weights
    >>> get_model_weights("resnet50").__name__
    'ResNet50_Weights'
    """
    fn = get_model_builder(name) if isinstance(name, str) else name
    enum_cls = getattr(fn, "_weights_enum", None)
    if enum_cls is None:
        raise ValueError("The method is missing the 'weights' argument.")
    return enum_cls


def get_weight(name):
    """The weights member for a full name such as ``"ResNet50_Weights.IMAGENET1K_V1"``.

    >>> from ember.vision.models._api import get_weight
    >>> get_weight("VGG16_Weights.IMAGENET1K_V1").url.rsplit("/", 1)[-1]
    'vgg16-397923af.pth'
    """
    try:
        enum_name, value_name = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.") from None
    for fn in BUILTIN_MODELS.values():
        e = getattr(fn, "_weights_enum", None)
        if e is not None and e.__name__ == enum_name:
            return e[value_name]
    raise ValueError(f"The weight enum '{enum_name}' for the specific method couldn't be retrieved.")


# ---------------------------------------------------------------- builder helpers
def _names_str(names):
    names = [f"'{n}'" for n in names]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def builder(weights_enum, legacy_default="DEFAULT", name=None, legacy_backbone=None):
    """Decorate a model builder: register it, accept positional keyword-only arguments (with
    torchvision's deprecation warning) and map the legacy ``pretrained=`` argument to ``weights=``.

    ``legacy_default`` is the member ``pretrained=True`` selects (a member name, or a callable
    taking the keyword arguments and returning one, or None when no weights exist);
    ``legacy_backbone`` the member ``pretrained_backbone=True`` selects for ``weights_backbone``.

    >>> from ember.vision.models._api import builder
    >>> callable(builder)
    True
    """
    def outer(fn):
        kwonly = [p.name for p in inspect.signature(fn).parameters.values() if p.kind == p.KEYWORD_ONLY]

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if args:
                extra = dict(zip(kwonly, args))
                warnings.warn(f"Using {_names_str(extra)} as positional parameter(s) is deprecated since 0.13 and "
                              f"may be removed in the future. Please use keyword parameter(s) instead.")
                kwargs.update(extra)
            _legacy_weights(fn.__name__, weights_enum, legacy_default, kwargs)
            if legacy_backbone is not None:
                _legacy_weights(fn.__name__, None, legacy_backbone, kwargs, "weights_backbone", "pretrained_backbone")
            return fn(**kwargs)

        wrapper._weights_enum = weights_enum
        register_model(name)(wrapper)
        return wrapper
    return outer


def _legacy_weights(fn_name, weights_enum, legacy_default, kwargs, param="weights", legacy="pretrained"):
    sentinel = object()
    w = kwargs.get(param, sentinel)
    if ((param not in kwargs and legacy not in kwargs) or isinstance(w, WeightsEnum)
            or (isinstance(w, str) and w != "legacy") or w is None):
        return
    positional = w is not sentinel  # a bool given as `weights` (the old positional `pretrained`)
    if positional:
        kwargs[legacy] = pretrained = kwargs.pop(param)
    else:
        pretrained = kwargs[legacy]
    if pretrained:
        default = legacy_default(kwargs) if callable(legacy_default) else legacy_default
        default = weights_enum[default] if (isinstance(default, str) and weights_enum is not None) else default
        if not isinstance(default, WeightsEnum):
            raise ValueError(f"No weights available for model {fn_name}")
    else:
        default = None
    if not positional:
        warnings.warn(f"The parameter '{legacy}' is deprecated since 0.13 and may be removed in the future, "
                      f"please use '{param}' instead.")
    msg = (f"Arguments other than a weight enum or `None` for '{param}' are deprecated since 0.13 and may be "
           f"removed in the future. The current behavior is equivalent to passing `{param}={default}`.")
    if pretrained:
        msg += f" You can also use `{param}={type(default).__name__}.DEFAULT` to get the most up-to-date weights."
    warnings.warn(msg)
    del kwargs[legacy]
    kwargs[param] = default


def _ovewrite_named_param(kwargs, param, new_value):
    """Set ``kwargs[param]`` or check that the user's value agrees (torchvision's ValueError otherwise)."""
    if param in kwargs:
        if kwargs[param] != new_value:
            raise ValueError(f"The parameter '{param}' expected value {new_value} but got {kwargs[param]} instead.")
    else:
        kwargs[param] = new_value


def _make_divisible(v, divisor, min_value=None):
    """Round ``v`` to the nearest multiple of ``divisor`` not below 90% of ``v``."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _load_weights(model, weights, progress):
    """Load a weights member's state_dict into ``model`` (the ``weights is not None`` branch of every builder)."""
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model


def _prepare(weights_enum, weights, kwargs, extra=None):
    """Verify ``weights`` and set ``num_classes`` (plus ``extra`` meta-driven params) from it."""
    weights = weights_enum.verify(weights)
    if weights is not None:
        if weights.meta.get("categories") is not None:
            _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
        for param, value in (extra or {}).items():
            _ovewrite_named_param(kwargs, param, value)
    return weights
