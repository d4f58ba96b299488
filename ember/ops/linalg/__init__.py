"""Products and linear algebra: matmul and its family, add-products, contractions, cross
products and distances, and the top-level linear-algebra functions."""
