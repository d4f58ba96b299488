"""Named tuples returned by ops with several outputs, as ``torch.return_types``.

Each is a ``tuple`` subclass whose fields are also attributes, and which prints like
PyTorch's structseq types.

>>> r = ember.max(ember.tensor([[1., 5.], [7., 2.]]), dim=1)
>>> r.values, r.indices
(tensor([5., 7.]), tensor([1, 0]))
>>> v, i = r; i
tensor([1, 0])
"""

__all__ = ["max", "min", "aminmax", "median", "nanmedian", "mode", "cummax", "cummin",
           "kthvalue", "sort", "topk", "slogdet", "qr", "svd", "eig",
           "eigh", "lu_unpack", "lstsq", "histogram", "frexp", "geqrf", "triangular_solve",
           "linalg_slogdet", "linalg_qr", "linalg_svd", "linalg_eig", "linalg_eigh",
           "linalg_inv_ex", "linalg_cholesky_ex", "linalg_lu", "linalg_lu_factor", "linalg_lstsq",
           "structseq"]


def _field(i):
    return property(lambda self: tuple.__getitem__(self, i))


def structseq(name, fields):
    """Make a ``torch.return_types``-style tuple class called ``name`` with ``fields``.

    >>> P = ember.return_types.structseq("pair", ("first", "second"))
    >>> P((1, 2)).second
    2
    """
    fields = tuple(fields)

    def __new__(cls, seq=(), dict=None):  # noqa: A002 - PyTorch's structseq signature
        seq = tuple(seq)
        if len(seq) != len(fields):
            raise TypeError(f"torch.return_types.{name} takes a {len(fields)}-sequence "
                            f"({len(seq)}-sequence given)")
        return tuple.__new__(cls, seq)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    def __reduce__(self):
        return (type(self), (tuple(self),))

    ns = {"__new__": __new__, "__repr__": __repr__, "__str__": __repr__, "__reduce__": __reduce__,
          "__slots__": (), "_fields": fields, "n_fields": len(fields),
          "n_sequence_fields": len(fields), "n_unnamed_fields": 0,
          "__module__": __name__, "__qualname__": name,
          "__doc__": f"``torch.return_types.{name}({', '.join(fields)})``."}
    for i, f in enumerate(fields):
        ns[f] = _field(i)
    return type(name, (tuple,), ns)


_VI = ("values", "indices")
max = structseq("max", _VI)  # noqa: A001 - PyTorch's names
min = structseq("min", _VI)  # noqa: A001
aminmax = structseq("aminmax", ("min", "max"))
median = structseq("median", _VI)
nanmedian = structseq("nanmedian", _VI)
mode = structseq("mode", _VI)
cummax = structseq("cummax", _VI)
cummin = structseq("cummin", _VI)
kthvalue = structseq("kthvalue", _VI)
sort = structseq("sort", _VI)
topk = structseq("topk", _VI)
slogdet = structseq("slogdet", ("sign", "logabsdet"))
qr = structseq("qr", ("Q", "R"))
svd = structseq("svd", ("U", "S", "V"))
eig = structseq("eig", ("eigenvalues", "eigenvectors"))
eigh = structseq("eigh", ("eigenvalues", "eigenvectors"))
lu_unpack = structseq("lu_unpack", ("P", "L", "U"))
lstsq = structseq("lstsq", ("solution", "QR"))
histogram = structseq("histogram", ("hist", "bin_edges"))
frexp = structseq("frexp", ("mantissa", "exponent"))
geqrf = structseq("geqrf", ("a", "tau"))
triangular_solve = structseq("triangular_solve", ("solution", "cloned_coefficient"))
linalg_slogdet = structseq("linalg_slogdet", ("sign", "logabsdet"))
linalg_qr = structseq("linalg_qr", ("Q", "R"))
linalg_svd = structseq("linalg_svd", ("U", "S", "Vh"))
linalg_eig = structseq("linalg_eig", ("eigenvalues", "eigenvectors"))
linalg_eigh = structseq("linalg_eigh", ("eigenvalues", "eigenvectors"))
linalg_inv_ex = structseq("linalg_inv_ex", ("inverse", "info"))
linalg_cholesky_ex = structseq("linalg_cholesky_ex", ("L", "info"))
linalg_lu = structseq("linalg_lu", ("P", "L", "U"))
linalg_lu_factor = structseq("linalg_lu_factor", ("LU", "pivots"))
linalg_lstsq = structseq("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
