"""An optional answer mode: a large model behind an OpenAI-compatible endpoint writes the
answer from the retrieved clauses, and every sentence it writes is checked before it is shown.

The deterministic extractive answer stays the default and the fallback. Nothing here imports
``openai`` until a model is actually asked (it is the ``llm`` extra).

- :mod:`assistant.llm.config`   the endpoint, read from the environment when asked
- :mod:`assistant.llm.prompt`   the messages: numbered clauses, the conversation, tool schemas
- :mod:`assistant.llm.client`   one exchange with the endpoint (tool calls run by the calculators)
- :mod:`assistant.llm.stream`   assembling a streamed reply (text and tool calls)
- :mod:`assistant.llm.validate` markers, quotes and figures checked sentence by sentence
- :mod:`assistant.llm.flow`     the whole answer: evidence, model, validation, fallback
"""
