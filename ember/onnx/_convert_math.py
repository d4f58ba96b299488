"""Converters for elementwise math, comparisons, reductions and matrix products.

Binary ops cast both operands to the result's dtype (known from the traced example), so
``x + 1`` on a float32 tensor adds a float32 constant, as PyTorch's type promotion does.

>>> from ember.onnx._registry import lookup_function
>>> lookup_function(ember.add).__name__
'add'
"""
from .._backend import np
from ._builder import Value, example_array
from ._registry import function, method

__all__ = []


def out_dtype(b):
    """The NumPy dtype of the traced result of the node being converted."""
    out = b.out
    if isinstance(out, (tuple, list)) and out and not isinstance(out[0], int):
        out = out[0]
    return example_array(out).dtype


def compute_dtype(*xs):
    """The dtype operands are promoted to (tensors decide; a Python float lifts ints to float32)."""
    arrs = [example_array(x.example) for x in xs if isinstance(x, Value)]
    dims = [a.dtype for a in arrs if a.ndim > 0] or [a.dtype for a in arrs] or [np.dtype(np.float32)]
    dt = np.result_type(*dims)
    if dt.kind in "biu" and any(isinstance(x, float) for x in xs):
        dt = np.dtype(np.float32)
    if dt.kind == "b" and any(isinstance(x, int) and not isinstance(x, bool) for x in xs):
        dt = np.dtype(np.int64)
    return dt


def _bin(b, op_type, a, c, dtype=None):
    dt = dtype if dtype is not None else out_dtype(b)
    return b.op(op_type, [b.cast(a, dt), b.cast(c, dt)])


@function("add", "operator.add", "operator.iadd")
@method("add", "add_", "__add__", "__iadd__")
def add(b, input, other, *, alpha=1):
    if alpha != 1:
        other = mul(b, other, alpha)
    return _bin(b, "Add", input, other)


@method("__radd__")
def radd(b, self, other):
    return _bin(b, "Add", other, self)


@function("sub", "subtract", "operator.sub", "operator.isub")
@method("sub", "sub_", "subtract", "__sub__", "__isub__")
def sub(b, input, other, *, alpha=1):
    if alpha != 1:
        other = _bin(b, "Mul", other, alpha)
    return _bin(b, "Sub", input, other)


@method("__rsub__")
def rsub(b, self, other):
    return _bin(b, "Sub", other, self)


@function("mul", "multiply", "operator.mul", "operator.imul")
@method("mul", "mul_", "multiply", "__mul__", "__imul__", "__rmul__")
def mul(b, input, other):
    return _bin(b, "Mul", input, other)


def _floor_div(b, a, c):
    dt = out_dtype(b)
    if dt.kind == "f":
        return b.op("Floor", [_bin(b, "Div", a, c, dt)])
    q = b.op("Floor", [_bin(b, "Div", a, c, np.dtype(np.float64))])
    return b.cast(q, dt)


@function("div", "divide", "true_divide", "operator.truediv", "operator.itruediv")
@method("div", "div_", "divide", "true_divide", "__truediv__", "__itruediv__")
def div(b, input, other, *, rounding_mode=None):
    if rounding_mode is None:
        return _bin(b, "Div", input, other)
    if rounding_mode == "floor":
        return _floor_div(b, input, other)
    if rounding_mode == "trunc":
        dt = out_dtype(b)
        if dt.kind != "f":
            return _bin(b, "Div", input, other)
        q = _bin(b, "Div", input, other)
        return b.op("Mul", [b.op("Sign", [q]), b.op("Floor", [b.op("Abs", [q])])])
    b.reject(f"div(rounding_mode={rounding_mode!r})")


@method("__rtruediv__")
def rtruediv(b, self, other):
    return _bin(b, "Div", other, self)


@function("floor_divide", "operator.floordiv", "operator.ifloordiv")
@method("floor_divide", "__floordiv__")
def floor_divide(b, input, other):
    return _floor_div(b, input, other)


@function("remainder", "operator.mod")
@method("remainder", "__mod__")
def remainder(b, input, other):
    dt = out_dtype(b)
    if dt.kind != "f":
        return _bin(b, "Mod", input, other)
    a, c = b.cast(input, dt), b.cast(other, dt)
    q = b.op("Floor", [b.op("Div", [a, c])])
    return b.op("Sub", [a, b.op("Mul", [q, c])])


@function("pow", "operator.pow")
@method("pow", "__pow__")
def pow_(b, input, exponent):
    dt = out_dtype(b)
    return b.op("Pow", [b.cast(input, dt), b.cast(exponent, dt)])


@method("__rpow__")
def rpow(b, self, other):
    dt = out_dtype(b)
    return b.op("Pow", [b.cast(other, dt), b.cast(self, dt)])


@function("maximum", "fmax")
@method("maximum", "fmax")
def maximum(b, input, other):
    return _bin(b, "Max", input, other)


@function("minimum", "fmin")
@method("minimum", "fmin")
def minimum(b, input, other):
    return _bin(b, "Min", input, other)


def _compare(op_type, negate=False):
    def conv(b, input, other):
        dt = compute_dtype(input, other)
        r = b.op(op_type, [b.cast(input, dt), b.cast(other, dt)])
        return b.op("Not", [r]) if negate else r
    conv.__name__ = op_type.lower()
    return conv


for _names, _op, _neg in ((("eq", "operator.eq", "__eq__"), "Equal", False),
                          (("ne", "not_equal", "operator.ne", "__ne__"), "Equal", True),
                          (("lt", "less", "operator.lt", "__lt__"), "Less", False),
                          (("le", "less_equal", "operator.le", "__le__"), "LessOrEqual", False),
                          (("gt", "greater", "operator.gt", "__gt__"), "Greater", False),
                          (("ge", "greater_equal", "operator.ge", "__ge__"), "GreaterOrEqual", False)):
    _c = _compare(_op, _neg)
    function(*[n for n in _names if not n.startswith("__")])(_c)
    method(*[n for n in _names if "." not in n])(_c)


def _logical(op_type):
    def conv(b, input, other):
        return b.op(op_type, [b.cast(input, np.bool_), b.cast(other, np.bool_)])
    conv.__name__ = op_type.lower()
    return conv


for _names, _op in ((("logical_and", "operator.and_", "__and__", "bitwise_and"), "And"),
                    (("logical_or", "operator.or_", "__or__", "bitwise_or"), "Or"),
                    (("logical_xor", "operator.xor", "__xor__", "bitwise_xor"), "Xor")):
    _c = _logical(_op)
    function(*[n for n in _names if not n.startswith("__")])(_c)
    method(*[n for n in _names if "." not in n])(_c)

_UNARY = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "exp": "Exp", "log": "Log", "sqrt": "Sqrt",
          "abs": "Abs", "neg": "Neg", "negative": "Neg", "sin": "Sin", "cos": "Cos", "tan": "Tan",
          "asin": "Asin", "acos": "Acos", "atan": "Atan", "sinh": "Sinh", "cosh": "Cosh", "erf": "Erf",
          "reciprocal": "Reciprocal", "floor": "Floor", "ceil": "Ceil", "sign": "Sign",
          "logical_not": "Not", "isnan": "IsNaN", "softsign": "Softsign", "relu_": "Relu",
          "sigmoid_": "Sigmoid", "tanh_": "Tanh", "exp_": "Exp", "abs_": "Abs", "neg_": "Neg"}


def _unary(op_type):
    def conv(b, input, inplace=False, *, out=None):
        if out is not None:
            b.reject(f"{op_type}(out=...)")
        dt = out_dtype(b)
        x = input if op_type in ("Not", "IsNaN") else b.cast(input, dt)
        if op_type == "Not":
            x = b.cast(input, np.bool_)
        return b.op(op_type, [x])
    conv.__name__ = op_type.lower()
    return conv


for _name, _op in _UNARY.items():
    _c = _unary(_op)
    function(_name)(_c)
    method(_name)(_c)
function("nn.functional.relu", "nn.functional.relu_")(_unary("Relu"))
function("special.erf")(_unary("Erf"))
function("nn.functional.sigmoid", "special.expit")(_unary("Sigmoid"))
function("nn.functional.tanh")(_unary("Tanh"))
function("nn.functional.softsign")(_unary("Softsign"))
function("operator.neg")(_unary("Neg"))
method("__neg__")(_unary("Neg"))
function("operator.invert")(_unary("Not"))
method("__invert__")(_unary("Not"))


@function("rsqrt")
@method("rsqrt")
def rsqrt(b, input):
    return b.op("Reciprocal", [b.op("Sqrt", [b.cast(input, out_dtype(b))])])


@function("round")
@method("round")
def round_(b, input, *, decimals=0):
    x = b.cast(input, out_dtype(b))
    if decimals == 0:
        return b.op("Round", [x])
    s = b.scalar_like(10.0 ** decimals, x)
    return b.op("Div", [b.op("Round", [b.op("Mul", [x, s])]), s])


@function("clamp", "clip")
@method("clamp", "clip", "clamp_", "clip_")
def clamp(b, input, min=None, max=None):
    dt = out_dtype(b)
    x = b.cast(input, dt)
    if isinstance(min, Value) and min.rank > 0 or isinstance(max, Value) and max.rank > 0:
        if min is not None:
            x = b.op("Max", [x, b.cast(min, dt)])
        return x if max is None else b.op("Min", [x, b.cast(max, dt)])
    lo = None if min is None else b.cast(min, dt)
    hi = None if max is None else b.cast(max, dt)
    return b.op("Clip", [x, lo, hi])


@method("where")
def where_method(b, self, condition, other):
    return where(b, condition, self, other)


@function("where")
def where(b, condition, input=None, other=None):
    if input is None:
        b.reject("where(condition) with one argument (data-dependent shape)")
    dt = out_dtype(b)
    return b.op("Where", [b.cast(condition, np.bool_), b.cast(input, dt), b.cast(other, dt)])


@method("masked_fill", "masked_fill_")
def masked_fill(b, self, mask, value):
    dt = out_dtype(b)
    return b.op("Where", [b.cast(mask, np.bool_), b.cast(value, dt), self])


# ----- reductions
def _dims(dim, rank):
    if dim is None or dim == () or dim == []:
        return None
    dims = [dim] if isinstance(dim, int) else list(dim)
    return [d % rank if rank else 0 for d in dims]


def _reduce(op_type):
    def conv(b, input, dim=None, keepdim=False, *, dtype=None):
        x = b.cast(input, out_dtype(b))
        return b.reduce(op_type, x, _dims(dim, input.rank), keepdim)
    conv.__name__ = op_type.lower()
    return conv


for _names, _op in ((("sum",), "ReduceSum"), (("mean",), "ReduceMean"), (("amax",), "ReduceMax"),
                    (("amin",), "ReduceMin"), (("logsumexp",), "ReduceLogSumExp")):
    function(*_names)(_reduce(_op))
    method(*_names)(_reduce(_op))


@function("prod")
@method("prod")
def prod(b, input, dim=None, keepdim=False, *, dtype=None):
    x = b.cast(input, out_dtype(b))
    return b.reduce("ReduceProd", x, None if dim is None else [dim % max(input.rank, 1)], keepdim)


def _minmax(op_type, arg_type, elementwise):
    def conv(b, input, dim=None, keepdim=False):
        if isinstance(dim, Value):
            return b.op(elementwise, [input, b.cast(dim, input.np_dtype)])
        if dim is None:
            return b.reduce(op_type, input, None, False)
        d = dim % max(input.rank, 1)
        vals = b.reduce(op_type, input, [d], keepdim)
        idx = b.op(arg_type, [input], axis=d, keepdims=int(keepdim), select_last_index=0)
        return vals, idx
    conv.__name__ = op_type.lower()
    return conv


function("max")(_minmax("ReduceMax", "ArgMax", "Max"))
method("max")(_minmax("ReduceMax", "ArgMax", "Max"))
function("min")(_minmax("ReduceMin", "ArgMin", "Min"))
method("min")(_minmax("ReduceMin", "ArgMin", "Min"))


def _arg(op_type):
    def conv(b, input, dim=None, keepdim=False):
        if dim is None:
            flat = b.op("Reshape", [input, b.ints([-1])])
            return b.op(op_type, [flat], axis=0, keepdims=0)
        return b.op(op_type, [input], axis=dim % max(input.rank, 1), keepdims=int(keepdim))
    return conv


function("argmax")(_arg("ArgMax"))
method("argmax")(_arg("ArgMax"))
function("argmin")(_arg("ArgMin"))
method("argmin")(_arg("ArgMin"))


@function("var")
@method("var")
def var(b, input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    corr = 1 if correction is None and unbiased is None else (correction if correction is not None
                                                              else int(bool(unbiased)))
    dims = _dims(dim, input.rank) or list(range(input.rank))
    n = int(np.prod([input.shape[d] for d in dims]))
    mean = b.reduce("ReduceMean", input, dims, True)
    diff = b.op("Sub", [input, mean])
    ss = b.reduce("ReduceSum", b.op("Mul", [diff, diff]), dims, keepdim)
    return b.op("Div", [ss, b.scalar_like(max(n - corr, 0), input)])


@function("std")
@method("std")
def std(b, input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return b.op("Sqrt", [var(b, input, dim, unbiased, keepdim, correction=correction)])


# ----- matrix products
@function("matmul", "operator.matmul", "mm", "bmm")
@method("matmul", "mm", "bmm", "__matmul__")
def matmul(b, input, other):
    dt = out_dtype(b)
    return b.op("MatMul", [b.cast(input, dt), b.cast(other, dt)])


@function("addmm", "baddbmm", "addbmm")
@method("addmm", "baddbmm")
def addmm(b, input, mat1, mat2, *, beta=1, alpha=1):
    prod_ = b.op("MatMul", [mat1, mat2])
    if alpha != 1:
        prod_ = b.op("Mul", [prod_, b.scalar_like(alpha, mat1)])
    if beta == 0:
        return prod_
    bias = input if beta == 1 else b.op("Mul", [input, b.scalar_like(beta, mat1)])
    return b.op("Add", [bias, prod_])


@function("einsum")
def einsum(b, equation, *operands):
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = operands[0]
    return b.op("Einsum", list(operands), equation=equation.replace(" ", ""))


@function("nn.functional.linear")
def linear(b, input, weight, bias=None):
    """``x @ W.T + b``: Gemm for 2-D input, else MatMul with the weight transposed once."""
    if input.rank == 2:
        return b.op("Gemm", [input, weight, bias], transB=1)
    wt = b.fold(weight, "Transpose", lambda a: a.T, perm=[1, 0]) if weight.rank == 2 else \
        b.op("Transpose", [weight])
    y = b.op("MatMul", [input, wt])
    return y if bias is None else b.op("Add", [y, bias])
