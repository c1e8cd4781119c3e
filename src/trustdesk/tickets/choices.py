"""The ticket's fixed choices, shared by ``tickets.models`` and ``models_desk``."""

from django.db import models


class Status(models.TextChoices):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"  # waiting for the customer
    SOLVED = "solved"  # reopens if the customer writes again
    CLOSED = "closed"  # final


class Priority(models.TextChoices):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    WEB = "web", "Web"
    API = "api", "API"
    PHONE = "phone", "Phone"
    CHAT = "chat", "Chat"


class Direction(models.TextChoices):
    INBOUND = "inbound"  # from the customer
    OUTBOUND = "outbound"  # to the customer
    NOTE = "note"  # internal, never sent
