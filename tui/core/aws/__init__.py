"""AWS: one way to build clients from the wizard's environment, and AWS errors in plain words."""
