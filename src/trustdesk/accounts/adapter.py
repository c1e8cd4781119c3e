import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context

from trustdesk.accounts import lockout

log = logging.getLogger("trustdesk.accounts")


def _client(request) -> tuple[str | None, str]:
    meta = getattr(request, "META", {})
    return meta.get("REMOTE_ADDR"), meta.get("HTTP_USER_AGENT", "")[:256]


def _email(credentials) -> str:
    return str(credentials.get("email") or credentials.get("login") or "")


class AccountAdapter(DefaultAccountAdapter):
    _attempt: lockout.Attempt | None = None

    def is_open_for_signup(self, request) -> bool:
        # Agents are created by an admin; nobody signs themselves up to a helpdesk console.
        return False

    def pre_authenticate(self, request, **credentials) -> None:
        # Replaces allauth's per-process cache limit with counters every process shares,
        # and counts the attempt before the password is checked (accounts.lockout).
        self._attempt = None
        ip, agent = _client(request)
        try:
            attempt = lockout.reserve(_email(credentials), ip, agent)
        except Exception as exc:  # counters unreachable: refuse rather than allow guessing
            log.error("sign-in refused: lockout counters unavailable: %s", exc)
            raise self.validation_error("email_password_mismatch") from exc
        if attempt is None:
            # The same words as a wrong password: a lock reveals nothing about the account.
            raise self.validation_error("email_password_mismatch")
        self._attempt = attempt

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None and _email(credentials).strip().lower() != user.email.lower():
            # allauth would also sign in with any address row of the account, such as one
            # an admin set that its owner has not confirmed yet: only the sign-in address
            # counts (and is what the lockout counts under).
            self.authentication_failed(request, **credentials)
            return None
        if user is not None and self._attempt is not None:
            lockout.released(self._attempt)
        return user

    def authentication_failed(self, request, **credentials) -> None:
        if self._attempt is not None:
            lockout.failed(self._attempt)

    def reauthenticate(self, user, password: str) -> bool:
        # The confirm-your-password page checks through the same counted path as the
        # sign-in page, under the person's own address: a stolen session cannot guess the
        # password there without locking the account.
        reauth_user = self.authenticate(context.request, email=user.email, password=password)
        return reauth_user is not None and reauth_user.pk == user.pk

    def send_password_reset_mail(self, user, email, context) -> None:
        # Only the sign-in address receives a reset link: an address still waiting for
        # confirmation (or any other row allauth would match) gets nothing, so it cannot
        # be used to take the account over.
        if email.strip().lower() != user.email.lower():
            log.warning("password reset for agent %s not sent to unconfirmed address",
                        user.pk)
            return
        super().send_password_reset_mail(user, email, context)

    def login(self, request, user) -> None:
        lockout.succeeded(user.email)
        super().login(request, user)
