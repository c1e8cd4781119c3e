from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models

from trustdesk.access.roles import AGENT, ROLE_CHOICES
from trustdesk.core.models import TimeStampedModel


class UserManager(BaseUserManager):
    def create_user(self, email: str, password: str | None = None, **fields):
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class Team(TimeStampedModel):
    name = models.CharField(max_length=80, unique=True)
    description = models.CharField(max_length=240, blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class User(AbstractBaseUser):
    """An agent or officer who signs in to TrustDesk. Customers are not users."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=120)
    role = models.CharField(max_length=32, choices=ROLE_CHOICES, default=AGENT)
    teams = models.ManyToManyField(Team, related_name="members", blank=True)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(auto_now_add=True)
    # Whether the password is long enough to stand without a second factor (NIST's 15
    # characters); one set with MFA may be shorter, and then the last factor stays.
    password_stands_alone = models.BooleanField(default=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        ordering = ("full_name",)

    def __str__(self) -> str:
        return self.full_name or self.email

    def set_password(self, raw_password) -> None:
        # Only whether it is long enough is kept, never the length itself.
        from django.conf import settings

        self.password_stands_alone = raw_password is not None and \
            len(raw_password) >= settings.PASSWORD_MIN_LENGTH_WITHOUT_MFA
        super().set_password(raw_password)


class ApiToken(models.Model):
    """A personal bearer token. Only a SHA-256 digest of the secret is kept; the token
    itself is shown once, when it is created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    # The public part of the token, used to find the row without scanning digests.
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SignInThrottle(models.Model):
    """Failed sign-ins counted per account or per IP address, and the lock that follows
    (the database backend of ``accounts.counters``; Redis replaces it when configured)."""

    key = models.CharField(max_length=300, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key


class TotpStep(models.Model):
    """The time step of the last TOTP code accepted from a person: no code of that step or
    an earlier one is accepted again (``accounts.mfa.replay``)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True,
                                related_name="+")
    step = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.user_id}@{self.step}"
