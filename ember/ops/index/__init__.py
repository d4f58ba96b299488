"""Indexing: ``__getitem__``'s gradient and index assignment, gather/scatter and the index_* ops,
masked ops, take/put and element search."""
