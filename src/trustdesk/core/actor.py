"""Who is acting: every service and selector takes ``actor=``.

An ``Actor`` is a plain value built by the front door (console session, API token, CLI,
system job) so that lower layers can authorise and audit without importing the user model.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Actor:
    kind: str  # "agent" | "token" | "system" | "anonymous" | "customer"
    label: str  # what the audit trail shows: an email or a job name
    user_id: int | None = None
    role: str = ""
    team_ids: frozenset[int] = field(default_factory=frozenset)
    token_id: int | None = None
    # A token narrows its owner's permissions to these scopes; None means no narrowing.
    scopes: frozenset[str] | None = None
    ip: str | None = None
    user_agent: str = ""
    session_key: str = ""
    # The person confirmed their password or second factor, or signed in, within the
    # re-authentication timeout (a console session; never a bearer token). Services that
    # need it call ``access.policy.require_reauthentication``.
    reauthenticated: bool = False
    # A customer signed in to the portal (kind "customer"): who they are. They hold no
    # staff permission at all (``access.policy``); only the portal's own use cases,
    # which narrow every read to this customer, accept them.
    customer_id: str | None = None

    @classmethod
    def system(cls, job: str) -> Actor:
        return cls(kind="system", label=f"system:{job}", role="system")

    @classmethod
    def anonymous(cls, attempted: str, *, ip: str | None = None,
                  user_agent: str = "") -> Actor:
        """Someone not signed in, named by what they typed (a failed sign-in)."""
        return cls(kind="anonymous", label=attempted.strip().lower()[:254] or "(unknown)",
                   ip=ip, user_agent=user_agent[:256])

    @classmethod
    def customer(cls, customer_id, *, ip: str | None = None, user_agent: str = "",
                 session_key: str = "") -> Actor:
        """A customer signed in to the portal by a link to their own address."""
        return cls(kind="customer", label=f"customer:{customer_id}", customer_id=str(customer_id),
                   ip=ip, user_agent=user_agent[:256], session_key=session_key)

    @property
    def is_customer(self) -> bool:
        return self.kind == "customer"

    @property
    def is_system(self) -> bool:
        return self.kind == "system"
