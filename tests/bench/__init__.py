"""The benchmark suite, run for a moment: every scenario answered and checked, no timing."""
