"""The evaluation suite: a hand-written gold set over the shipped corpus, one metric per
module, a runner that scores the assistant (or any system's answers in the answer-contract
shape) next to retrieval baselines, and a Markdown/HTML report.

Run it with ``policy-assistant eval``; see :mod:`evals.commands`.
"""
