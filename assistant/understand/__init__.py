"""Reading a question: everyday words bridged to the language of policy documents."""
