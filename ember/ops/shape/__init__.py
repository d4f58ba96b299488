"""Shape and view ops: views, reshapes and permutations, joining and splitting, flips and
repeats, diagonals, view copies and in-place geometry changes."""
