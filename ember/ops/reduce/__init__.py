"""Reductions: sum/mean, max/min/prod/logsumexp, cumulative ops, moments, order statistics,
sorting and selection, histograms, segment reductions and numerical calculus."""
