"""A local DNS server for the gateway's tests: answers from a table over UDP on
127.0.0.1, built with dnspython's message classes, so the real resolver path
(``DnsPythonResolver``, timeouts and all) is what the tests exercise — never the
internet's DNS."""

from __future__ import annotations

import socket
import threading

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset


class LocalDns:
    """``records`` maps (name, type) to a list of presentation-format values:
    ``("example.test", "TXT"): ['"v=spf1 ip4:127.0.0.1 -all"']``,
    ``("example.test", "MX"): ["10 mx.example.test."]``. A name with no record of any
    type is NXDOMAIN; one with records of other types answers empty (NOERROR)."""

    def __init__(self, records: dict[tuple[str, str], list[str]] | None = None, *,
                 servfail: tuple[str, ...] = (), answer: bool = True):
        self.records: dict[tuple[str, str], list[str]] = {}
        self.servfail = {n.lower().rstrip(".") for n in servfail}
        self.answer = answer  # False: read every query, never reply (a silent server)
        self.received: list[bytes] = []
        for (name, rdtype), values in (records or {}).items():
            self.add(name, rdtype, *values)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._stopped = False

    def add(self, name: str, rdtype: str, *values: str) -> None:
        key = (name.lower().rstrip("."), rdtype.upper())
        self.records.setdefault(key, []).extend(values)

    def txt(self, name: str, text: str) -> None:
        # TXT strings are at most 255 bytes each: split long records (DKIM keys).
        chunks = [text[i:i + 250] for i in range(0, len(text), 250)] or [""]
        self.add(name, "TXT", " ".join('"' + c.replace('"', '\\"') + '"' for c in chunks))

    def start(self) -> LocalDns:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped = True
        self.sock.close()

    def __enter__(self) -> LocalDns:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _answer(self, query: dns.message.Message) -> dns.message.Message:
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        question = query.question[0]
        name = question.name.to_text().lower().rstrip(".")
        rdtype = dns.rdatatype.to_text(question.rdtype)
        values = self.records.get((name, rdtype))
        if name in self.servfail:
            response.set_rcode(dns.rcode.SERVFAIL)
        elif values:
            response.answer.append(dns.rrset.from_text_list(
                question.name, 60, dns.rdataclass.IN, rdtype, values))
        elif not any(n == name for n, _ in self.records):
            response.set_rcode(dns.rcode.NXDOMAIN)
        return response

    def _serve(self) -> None:
        while not self._stopped:
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:
                return
            self.received.append(data)
            if not self.answer:
                continue
            try:
                query = dns.message.from_wire(data)
                self.sock.sendto(self._answer(query).to_wire(), peer)
            except Exception:  # noqa: S112 - a test server: a bad query gets no answer
                continue
