"""Fetching: live policy pages and Wayback Machine captures, over one careful HTTP client."""
from .http import RateLimited, RateLimiter
from .live import Fetched, fetch_live
from .wayback import Capture, WaybackClient

__all__ = ["RateLimited", "RateLimiter", "Fetched", "fetch_live", "Capture", "WaybackClient"]
