"""The phishing benchmark's corpus: the same seed gives the same bytes, and every label
holds what it claims (checked on the messages themselves, without the analyser)."""

from __future__ import annotations

import collections
import difflib
import email
import email.policy
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from trustdesk.mailgateway.analysis import attachments, message

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
import phishing_corpus  # noqa: E402
from phishing_corpus import lookalike, world  # noqa: E402

STYLES = phishing_corpus.PHISHING_STYLES
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def samples():
    return phishing_corpus.corpus(11, phishing_count=4 * len(STYLES), ordinary_count=160)


def _bench():
    spec = importlib.util.spec_from_file_location("bench_phishing", BENCH / "phishing.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def _html(msg) -> str:
    part = msg.get_body(("html",))
    return part.get_content() if part is not None else ""


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower()


def _resembles_own(domain: str) -> bool:
    """The domain reads as one of the helpdesk's: it contains its name, or its first
    label, with the look-alike letters read back, is a letter or two from it."""
    shown = domain.encode().decode("idna") if "xn--" in domain else domain
    if any(real in shown for real in world.OWN_DOMAINS):  # as a subdomain of another
        return True
    for real, fake in (*lookalike.CYRILLIC.items(), *lookalike.ALIKE):
        shown = shown.replace(fake, real)
    label = shown.split(".")[0]
    for real in world.OWN_DOMAINS:
        own = real.split(".")[0]
        if own in label or difflib.SequenceMatcher(None, own, label).ratio() > 0.8:
            return True
    return False


def test_the_same_seed_gives_the_same_bytes_and_another_seed_others():
    first = phishing_corpus.corpus(3, phishing_count=30, ordinary_count=30)
    again = phishing_corpus.corpus(3, phishing_count=30, ordinary_count=30)
    other = phishing_corpus.corpus(4, phishing_count=30, ordinary_count=30)
    assert [(s.raw, s.label, s.style, s.lang) for s in first] == \
        [(s.raw, s.label, s.style, s.lang) for s in again]
    assert sum(a.raw != b.raw for a, b in zip(first, other, strict=True)) > 50
    assert phishing_corpus.context_fields(3) == phishing_corpus.context_fields(3)


def test_sizes_classes_styles_and_languages(samples):
    counts = collections.Counter(s.label for s in samples)
    assert counts == {"phishing": 4 * len(STYLES), "ordinary": 160}
    assert collections.Counter(s.style for s in samples if s.label == "phishing") == \
        dict.fromkeys(STYLES, 4)
    ordinary = {s.style for s in samples if s.label == "ordinary"}
    assert {"customer_account", "customer_payment", "newsletter", "receipt", "shipping",
            "mailing_list", "auto_reply", "thread_reply"} <= ordinary
    for label in ("phishing", "ordinary"):
        langs = collections.Counter(s.lang for s in samples if s.label == label)
        assert langs["zh"] >= 0.15 * counts[label] and langs["en"] >= 0.5 * counts[label]
    for s in samples:  # the language label follows the text
        text = message.parse(s.raw).text + s.subject
        assert bool(CJK.search(text) or CJK.search(_parse(s.raw)["From"])) == (s.lang == "zh")


def test_every_message_is_well_formed_mail(samples):
    for s in samples:
        assert b"\r\n\r\n" in s.raw and b"\n" not in s.raw.replace(b"\r\n", b"")
        msg = _parse(s.raw)
        assert msg["From"] and msg["Date"] and msg["Message-ID"] and msg["Received"]
        assert not msg.defects, (s.style, msg.defects)
        parsed = message.parse(s.raw)
        assert parsed.from_address and parsed.subject == s.subject


def test_no_phishing_comes_from_the_helpdesk_or_a_brand_domain(samples):
    real = set(world.OWN_DOMAINS) | {d for _, d in world.BRANDS}
    known = phishing_corpus.context_fields(11)["customer_addresses"]
    for s in samples:
        if s.label == "phishing":
            assert _domain(s.sender) not in real, s
            # Only a taken-over mailbox writes from a known customer's real address.
            assert (s.sender in known) == (s.style == "compromised_account"), s


def test_phishing_styles_carry_their_trick(samples):
    by_style = collections.defaultdict(list)
    for s in samples:
        if s.label == "phishing":
            by_style[s.style].append(_parse(s.raw))
    for msg in by_style["html_form"]:
        assert re.search(r'<form [^>]*action=.*type="password"', _html(msg), re.S)
    for msg in by_style["html_attachment"]:
        names = [p.get_filename() or "" for p in msg.iter_attachments()]
        assert any(re.search(r"\.s?html?$", n) for n in names), names
    for msg in by_style["malware_attachment"]:
        [part] = list(msg.iter_attachments())
        finding = attachments.scan(part.get_filename(), part.get_content_type(),
                                   part.get_content())
        assert {code for code, _ in finding.flags} & {"executable", "macros"}, finding.flags
    for msg in by_style["link_mismatch"]:
        shown = re.findall(r'<a href="([^"]+)">(https://[^<]+)</a>', _html(msg))
        assert shown and all(href.split("/")[2] not in text for href, text in shown)
    for msg in by_style["reply_to_freemail"]:
        assert _domain(msg["Reply-To"]) in world.FREEMAIL + world.FREEMAIL_ZH
        assert _domain(msg["Reply-To"]) != _domain(msg["From"].addresses[0].addr_spec)
    for msg in by_style["no_link_fraud"] + by_style["customer_impostor"]:
        assert "http" not in msg.get_body(("plain",)).get_content()
        assert not list(msg.iter_attachments())
    for msg in by_style["lookalike_own"]:
        domain = _domain(msg["From"].addresses[0].addr_spec)
        assert domain not in world.OWN_DOMAINS
        assert _resembles_own(domain), domain
    for msg in by_style["impersonation"]:
        assert _domain(msg["From"].addresses[0].addr_spec) in world.FREEMAIL + world.FREEMAIL_ZH


def test_known_names_from_unknown_addresses_only_where_labelled(samples):
    """The impostor (phishing), the customer writing from a second address and a
    document a customer shared through a service (ordinary) are the only messages with a
    known customer's name from an address not on file."""
    known = phishing_corpus.context_fields(11)
    seen = collections.Counter()
    for s in samples:
        name = _parse(s.raw)["From"].addresses[0].display_name
        if name in known["customer_names"] and s.sender not in known["customer_addresses"]:
            seen[s.style] += 1
    assert seen["customer_impostor"] == 4
    assert set(seen) <= {"customer_impostor", "customer_second_address", "service_notice"}


def test_ordinary_mail_has_the_headers_its_kind_has(samples):
    own = set(world.OWN_DOMAINS)
    for s in samples:
        if s.label != "ordinary":
            continue
        msg = _parse(s.raw)
        if s.style == "newsletter":
            assert msg["List-Unsubscribe"] and msg["List-Unsubscribe-Post"]
        if s.style == "mailing_list":
            assert msg["List-Id"]
        if s.style == "auto_reply":
            assert msg["Auto-Submitted"] == "auto-replied"
        if s.style == "thread_reply":
            assert msg["In-Reply-To"] and msg["Subject"].lower().startswith(("re", "回复"))
        if s.style == "calendar_invite":
            assert any(p.get_content_type() == "text/calendar" for p in msg.walk())
        if s.style == "colleague":
            assert _domain(s.sender) in own
        if s.style.startswith("customer_"):
            assert _domain(s.sender) not in own
        if s.style == "customer_it":  # role names, from the customer's own organisation
            assert _domain(s.sender) in world.CUSTOMER_ORGS


def test_the_benchmark_scores_verdicts_by_class_and_style():
    bench = _bench()
    samples = phishing_corpus.corpus(5, phishing_count=4, ordinary_count=4)
    verdicts = {0: "phishing", 2: "suspicious", 4: "clean", 6: "clean",  # phishing
                1: "clean", 3: "suspicious", 5: "clean", 7: "spam"}  # ordinary
    results = [(verdicts[i], 50, [("lookalike_domain", 30, "x"), ("good", -5, "y")], 1.0)
               for i in range(8)]
    assert [s.label for s in samples] == ["phishing", "ordinary"] * 4
    q = bench.quality(samples, results)
    assert (q["detection_rate"], q["phishing_only_rate"], q["false_alarm_rate"]) == \
        (0.5, 0.25, 0.25)
    assert q["per_style"][samples[0].style] == {"n": 1, "flagged": 1.0, "phishing": 1.0}
    assert q["signals_on_phishing"] == {"lookalike_domain": 4}
    shown = bench.examples(samples, results)
    assert shown["false_alarms"] == 1
    assert sum(v["missed"] for v in shown["missed_by_style"].values()) == 2


def test_the_benchmark_runs_against_the_analyser_without_network():
    """A short run end to end: its lines are JSON, the analyser judged every message
    without importing Django, and the rates are rates."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run([sys.executable, str(BENCH / "phishing.py"), "--quick",
                          "--no-spamassassin"], env=env, capture_output=True, text=True,
                         timeout=300, check=True)
    lines = {d["what"]: d for d in map(json.loads, out.stdout.splitlines())}
    assert set(lines) == {"corpus", "quality", "speed", "phishing", "examples"}
    quality = lines["quality"]
    assert quality["errors"] == 0 and quality["django_imported"] == []
    assert quality["phishing_messages"] == quality["ordinary_messages"] == 30
    summary = lines["phishing"]
    assert set(summary["per_style"]) == set(STYLES)
    for key in ("detection_rate", "false_alarm_rate", "phishing_only_rate"):
        assert 0 <= summary[key] <= 1
    assert summary["phishing_only_rate"] <= summary["detection_rate"]
    assert summary["msgs_per_s"] > 0
