"""r2tui — a terminal manager for a media library kept in Cloudflare R2."""

__version__ = "0.1.0"
