"""Expected failures. Each carries a one-line message that names the problem and the fix.

`transient` says whether trying again later may succeed, so retry policy lives in one
place (fetch, delivery and the daemon read the flag instead of guessing from types).
"""


class PolicymonError(Exception):
    transient = False

    def __init__(self, message: str, *, transient: bool | None = None, reason: str | None = None):
        super().__init__(message)
        if transient is not None:
            self.transient = transient
        self.reason = reason or type(self).__name__

    def __str__(self) -> str:  # one line, always
        return " ".join(str(self.args[0]).split())


class ConfigError(PolicymonError):
    """config.toml is missing, malformed, or has a bad value."""


class InputError(PolicymonError):
    """A page or file that cannot be a policy: empty, binary, too large, undecodable."""


class NotFound(PolicymonError):
    """An unknown company, or a version that does not exist."""


class FetchError(PolicymonError):
    """A fetch that did not produce a policy page (HTTP error, challenge, timeout...)."""


class DeliveryError(PolicymonError):
    """An alert could not be handed to a channel; usually transient."""
    transient = True
