"""Access benchmark: policy decisions per second for a realistic policy (8 roles, 30 fields,
10,000 customers, need-to-know) against pycasbin enforcing the equivalent RBAC model on
the same requests; and the customer-list API latency with field masking against the
same list with masking switched off. One JSON line on stdout.

A decision is the question every profile of every list asks for every field: may this
person see this field of this customer, and how? TrustDesk answers with the compiled
policy (``access.fields.FieldPolicy``) and the need-to-know relation as
``customers.visibility.decisions`` applies them; Casbin answers the same question as
allow/deny from an RBAC model with a second role relation for need-to-know. Both see the
same users, roles, customers and relations, and their answers are checked to agree on
every request before anything is timed.
"""

from __future__ import annotations

import json
import os
import platform
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from _setup import compare, django_in_tmp, interleaved, make_customers, timed_get, token_client

CUSTOMERS = 10_000
USERS = 200
KNOWN_PER_AGENT = 50  # customers with a ticket assigned to the agent or their team
REQUESTS = int(os.environ.get("TRUSTDESK_BENCH_DECISIONS", 200_000))
CASBIN_REQUESTS = int(os.environ.get("TRUSTDESK_BENCH_CASBIN_DECISIONS", 50_000))

CASBIN_MODEL = """
[request_definition]
r = sub, cust, field

[policy_definition]
p = sub, field, scope

[role_definition]
g = _, _
g2 = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub) && r.field == p.field && (p.scope == "all" || g2(r.sub, r.cust))
"""


@dataclass(frozen=True)
class Spec:
    name: str
    type: str
    category: str
    sensitivity: str


def _fields() -> list[Spec]:
    """The shipped inventory's fields and more of the same kinds, 30 in all."""
    from trustdesk.privacy.inventory import get_inventory

    specs = [Spec(f.name, f.type, f.category, f.sensitivity) for f in get_inventory().fields]
    kinds = [("string", "account", "internal"), ("text", "contact", "confidential"),
             ("date", "identity", "restricted"), ("string", "financial", "restricted"),
             ("string", "preferences", "internal"), ("string", "technical", "internal")]
    i = 0
    while len(specs) < 30:
        t, c, s = kinds[i % len(kinds)]
        specs.append(Spec(f"extra_{c}_{i}", t, c, s))
        i += 1
    return specs


def _world(rng: random.Random):
    from trustdesk.access import roles

    role_names = list(roles.ROLE_LABELS)
    assert len(role_names) == 8
    customers = [f"c{i}" for i in range(CUSTOMERS)]
    users = []
    for i in range(USERS):
        # Most people are agents; every role is represented.
        role = role_names[i] if i < len(role_names) else rng.choice(
            [roles.AGENT] * 6 + [roles.SENIOR_AGENT] * 2 + role_names)
        users.append((f"u{i}", role))
    known = {u: set(rng.sample(customers, KNOWN_PER_AGENT)) for u, _ in users}
    return users, customers, known


def _trustdesk_decider(policy, users):
    """The effective decision, as ``customers.visibility.decisions`` makes it."""
    from trustdesk.access import fields as fp
    from trustdesk.customers.visibility import ALWAYS_FIELDS, NEED_TO_KNOW_ROLES

    role_of = dict(users)
    table, hidden, locked = policy.table, fp.HIDDEN, fp.LOCKED

    def decide(user: str, customer: str, field: str, known: dict) -> str:
        role = role_of[user]
        decision = table.get((role, field), hidden)
        if decision != hidden and role in NEED_TO_KNOW_ROLES and field not in ALWAYS_FIELDS \
                and customer not in known[user]:
            return locked
        return decision
    return decide


def _casbin(policy, users, known, specs):
    import casbin

    from trustdesk.access import fields as fp
    from trustdesk.customers.visibility import ALWAYS_FIELDS, NEED_TO_KNOW_ROLES

    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp, "model.conf")
        model.write_text(CASBIN_MODEL)
        enforcer = casbin.Enforcer(str(model))
    rules = 0
    for role in {r for _, r in users}:
        for spec in specs:
            if policy.decide(role, spec.name) == fp.HIDDEN:
                continue
            scope = "ntk" if role in NEED_TO_KNOW_ROLES and spec.name not in ALWAYS_FIELDS \
                else "all"
            enforcer.add_policy(role, spec.name, scope)
            rules += 1
    for user, role in users:
        enforcer.add_grouping_policy(user, role)
    for user, customers in known.items():
        for c in customers:
            enforcer.add_named_grouping_policy("g2", user, c)
    return enforcer, rules


def _rate(fn, requests) -> float:
    start = time.perf_counter()
    fn(requests)
    return len(requests) / (time.perf_counter() - start)


def decisions() -> dict:
    from trustdesk.access import fields as fp

    rng = random.Random(11)
    specs = _fields()
    users, customers, known = _world(rng)
    policy = fp.FieldPolicy(specs)
    decide = _trustdesk_decider(policy, users)
    enforcer, rules = _casbin(policy, users, known, specs)
    names = [s.name for s in specs]
    # Half the requests ask about customers the person knows, as a queue's pages do.
    requests = []
    for _ in range(REQUESTS):
        user, _role = rng.choice(users)
        customer = rng.choice(sorted(known[user])) if rng.random() < 0.5 \
            else rng.choice(customers)
        requests.append((user, customer, rng.choice(names)))
    sample = requests[:CASBIN_REQUESTS]
    # The same answers, or the comparison means nothing.
    withheld = {fp.HIDDEN, fp.LOCKED}
    disagree = [r for r in sample
                if enforcer.enforce(*r) != (decide(*r, known) not in withheld)]
    assert not disagree, disagree[:5]
    outcomes = {}
    for r in sample:
        d = decide(*r, known)
        outcomes[d] = outcomes.get(d, 0) + 1

    def ours(batch):
        for user, customer, field in batch:
            decide(user, customer, field, known)

    def theirs(batch):
        enforce = enforcer.enforce
        for r in batch:
            enforce(*r)

    ours(requests[:20_000])  # warm both up
    theirs(sample[:2_000])
    trustdesk = _rate(ours, requests)
    casbin_rate = _rate(theirs, sample)
    return {
        "roles": len({r for _, r in users}), "fields": len(specs), "customers": CUSTOMERS,
        "users": USERS, "casbin_policy_rules": rules,
        "casbin_g2_relations": sum(len(v) for v in known.values()),
        "requests_checked_equal": len(sample), "decision_mix": outcomes,
        "trustdesk_decisions_per_s": round(trustdesk),
        "casbin_decisions_per_s": round(casbin_rate),
        "speedup_vs_casbin": round(trustdesk / casbin_rate, 1),
    }


class _Unmasked:
    """``visibility.apply`` as the customer selectors see it replaced by the identity:
    the same list "with masking switched off". For the baseline only."""

    def __enter__(self):
        from trustdesk.customers import selectors

        self.selectors, self.real = selectors, selectors.apply
        selectors.apply = lambda actor, profiles: profiles

    def __exit__(self, *exc):
        self.selectors.apply = self.real


def customer_list(requests: int = 400, customers: int = 500) -> dict:
    # Billing: a role the policy masks (email, phone) without need-to-know, so every
    # row of every page is masked.
    client = token_client("billing", "billing.bench@example.com")
    make_customers(customers)
    pages = customers // 25
    rng = random.Random(5)
    page = 1

    def masked() -> float:
        return timed_get(client, "/api/v1/customers", {"page": page})[0]

    def unmasked() -> float:
        nonlocal page
        page = rng.randrange(1, pages + 1)  # the pair asks for the same page
        with _Unmasked():
            return timed_get(client, "/api/v1/customers", {"page": page})[0]

    # The two really differ: the baseline shows what masking withholds.
    with _Unmasked():
        clear = timed_get(client, "/api/v1/customers")[1].content.decode()
    shown = json.dumps(timed_get(client, "/api/v1/customers")[1].json(), ensure_ascii=False)
    full_email = re.compile(r'"p\d+@example\.org"')
    assert full_email.search(clear) and not full_email.search(shown), shown[:400]
    plain, masked_ms = interleaved(unmasked, masked, requests, warmup=50)
    return {"customer_list_requests": requests, "customer_list_page_size": 25,
            **compare("customer_list", "unmasked", "masked", plain, masked_ms)}


def main() -> dict:
    django_in_tmp()
    result = {"bench": "access", "cpus": os.cpu_count(), "python": platform.python_version(),
              "loadavg_1m_start": round(os.getloadavg()[0], 2)}
    result.update(decisions())
    result.update(customer_list())
    result["target_speedup_vs_casbin_min"] = 5
    result["target_met"] = result["speedup_vs_casbin"] >= 5
    result["loadavg_1m_end"] = round(os.getloadavg()[0], 2)
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
