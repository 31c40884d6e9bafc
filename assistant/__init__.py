"""北仑政策助手: a cited-answer assistant over Chinese government policy documents."""

__version__ = "0.1.0"

__all__ = ["Assistant", "__version__"]


def __getattr__(name):
    # Lazy, so that ``import assistant`` (e.g. for the calculators) loads no model.
    if name == "Assistant":
        from assistant.core import Assistant

        return Assistant
    raise AttributeError(name)
