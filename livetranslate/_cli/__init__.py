"""Private implementation of the ``livetranslate`` subcommands (one module per group)."""
