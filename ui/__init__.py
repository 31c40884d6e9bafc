"""The browser interface (gradio): ``build_app(assistant)`` in :mod:`ui.app`.

Importing this package does not import gradio; :mod:`ui.render` and :mod:`ui.service`
work without it.
"""
