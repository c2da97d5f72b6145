"""The simulator fixtures of the polling tests, shared by the listening tests."""

from moderation.tests.polling_support import sim, simulator_module  # noqa: F401
