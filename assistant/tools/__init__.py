"""Calculators for the numeric rules of the corpus, exposed as tools and reached from questions.

- :mod:`assistant.tools.quantities` reads Chinese quantities (2000万元, 三千五百万, 45亩, 百分之六).
- :mod:`assistant.tools.calculators` holds the pure functions (Decimal in, Decimal out).
- :mod:`assistant.tools.registry` lists and runs them by name, and wraps them for llama-index.
- :mod:`assistant.tools.router` picks a calculator for a plain question and fills its arguments.
- :mod:`assistant.tools.answer` composes the cited answer with ``tool_calls``.
"""
