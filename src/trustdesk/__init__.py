"""TrustDesk: a helpdesk in which customer data is protected by design."""

__version__ = "0.1.0"
