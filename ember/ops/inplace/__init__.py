"""In-place ops: the autograd bookkeeping of in-place writes and the in-place forms that
are not bound next to their out-of-place op."""
