"""One exception hierarchy for Lianfang; the API maps each class to a status code in one place."""


class LianfangError(Exception):
    """Base class of every error Lianfang raises on purpose."""


class InputError(LianfangError):
    """Raised when caller-supplied data is malformed (bad JSON, bad encoding, bad value)."""


class FetchBlocked(LianfangError):
    """Raised when the SSRF guard refuses a URL (scheme, address, size, redirect limit)."""


class NotFound(LianfangError):
    """Raised when a requested object does not exist or is not visible to the caller."""


class Forbidden(LianfangError):
    """Raised when the caller is authenticated but may not perform the action."""


class Unauthorized(LianfangError):
    """Raised when no valid credentials were presented."""
