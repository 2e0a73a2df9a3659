"""Evaluation (评价 · 考核 · 举一反三), pure: the KPI counters and rates, the composite index and its
weights, the revisit sample, and the clustering of similar problems. See docs/evaluation.md."""
