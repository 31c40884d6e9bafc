"""The documents shipped with the assistant (data only; see manifest.toml)."""
