"""Video providers: one module per provider behind the protocol in ``base``."""
