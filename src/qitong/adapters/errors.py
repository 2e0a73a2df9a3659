"""The one error an outside-world adapter raises when a message did not get through."""


class DeliveryFailed(Exception):
    """The other side did not take the message; the worker retries it later."""
