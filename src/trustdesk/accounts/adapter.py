import logging

from allauth.account.adapter import DefaultAccountAdapter

from trustdesk.accounts import lockout

log = logging.getLogger("trustdesk.accounts")


def _client(request) -> tuple[str | None, str]:
    meta = getattr(request, "META", {})
    return meta.get("REMOTE_ADDR"), meta.get("HTTP_USER_AGENT", "")[:256]


def _email(credentials) -> str:
    return str(credentials.get("email") or credentials.get("login") or "")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Agents are created by an admin; nobody signs themselves up to a helpdesk console.
        return False

    def pre_authenticate(self, request, **credentials) -> None:
        # Replaces allauth's per-process cache limit with counters every process shares.
        ip, _ = _client(request)
        try:
            locked = lockout.refused(_email(credentials), ip)
        except Exception as exc:  # counters unreachable: refuse rather than allow guessing
            log.error("sign-in refused: lockout counters unavailable: %s", exc)
            raise self.validation_error("email_password_mismatch") from exc
        if locked:
            # The same words as a wrong password: a lock reveals nothing about the account.
            raise self.validation_error("email_password_mismatch")

    def authentication_failed(self, request, **credentials) -> None:
        ip, agent = _client(request)
        lockout.failed(_email(credentials), ip, agent)

    def login(self, request, user) -> None:
        lockout.succeeded(user.email)
        super().login(request, user)
