"""Each recognizer, table-driven: texts where it must find exactly the marked value, and
texts where it must find nothing of its entity (the false positives validation cuts)."""

from __future__ import annotations

import pytest

from trustdesk import pii

JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
       "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")
PEM = ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq9xVfPz1ZVZ0oJtVQm1fVZ\n"
       "b2xkZXIgdGV4dCBoZXJlIGZvciB0ZXN0\n-----END RSA PRIVATE KEY-----")
GH_PAT = "github_pat_11ABCDEFG0123456789abc_" + "x" * 59
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
# A JWE (RFC 7516 A.1 shape): header {"alg":"RSA-OAEP","enc":"A256GCM"}, five parts.
JWE = ("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYU"
       "mKoTCVJRgckCL9kiMT03JGe.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX"
       ".XFBoMYUZodetZdvTiFvSkQ")
GOOGLE = "AIzaSyA1234567890abcdefghijklmnopqrstuv"
TRUNCATED = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7"
PUBLIC = ("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n"
          "-----END PUBLIC KEY-----")
OPENSSH = ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAE\n"
           "-----END OPENSSH PRIVATE KEY-----")

# (entity, text, the value that must be found)
VALID = [
    # payment cards: every common separator, issuers, CJK glued, CVV after the number
    ("CREDIT_CARD", "card 4111 1111 1111 1111 exp 12/26", "4111 1111 1111 1111"),
    ("CREDIT_CARD", "4111-1111-1111-1111", "4111-1111-1111-1111"),
    ("CREDIT_CARD", "pay with 4111.1111.1111.1111.", "4111.1111.1111.1111"),
    ("CREDIT_CARD", "number 4111111111111111 thanks", "4111111111111111"),
    ("CREDIT_CARD", "mc 5555 5555 5555 4444", "5555 5555 5555 4444"),
    ("CREDIT_CARD", "mc 2221 0000 0000 0009", "2221 0000 0000 0009"),
    ("CREDIT_CARD", "amex 3782 822463 10005", "3782 822463 10005"),
    ("CREDIT_CARD", "amex 378282246310005", "378282246310005"),
    ("CREDIT_CARD", "discover 6011 1111 1111 1117", "6011 1111 1111 1117"),
    ("CREDIT_CARD", "jcb 3530-1113-3330-0000", "3530-1113-3330-0000"),
    ("CREDIT_CARD", "diners 3056 930902 5904", "3056 930902 5904"),
    ("CREDIT_CARD", "银联 6200000000000005", "6200000000000005"),
    ("CREDIT_CARD", "卡号4111111111111111", "4111111111111111"),
    ("CREDIT_CARD", "4111 1111 1111 1111 123", "4111 1111 1111 1111"),
    ("CREDIT_CARD", "visa 4012888888881881", "4012888888881881"),
    ("CREDIT_CARD", "old visa 4222222222222", "4222222222222"),
    ("CREDIT_CARD", "paid by card 4111 1111 1111 1111 for order 12", "4111 1111 1111 1111"),
    ("CREDIT_CARD", "066-41-0764 4012 8888 8888 1881", "4012 8888 8888 1881"),
    # IBAN
    ("IBAN_CODE", "IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX",
     "DE89 3704 0044 0532 0130 00"),
    ("IBAN_CODE", "GB82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 32"),
    ("IBAN_CODE", "to FR1420041010050500013M02606.", "FR1420041010050500013M02606"),
    ("IBAN_CODE", "NL91ABNA0417164300", "NL91ABNA0417164300"),
    ("IBAN_CODE", "CH93 0076 2011 6238 5295 7", "CH93 0076 2011 6238 5295 7"),
    ("IBAN_CODE", "Norway NO9386011117947", "NO9386011117947"),
    ("IBAN_CODE", "账户DE89370400440532013000", "DE89370400440532013000"),
    # US SSN
    ("US_SSN", "SSN 536-22-8726", "536-22-8726"),
    ("US_SSN", "my number is 536 22 8726", "536 22 8726"),
    ("US_SSN", "social security number: 536228726", "536228726"),
    ("US_SSN", "SSN#536228726", "536228726"),
    # phone numbers
    ("PHONE_NUMBER", "call +44 20 7946 0958 today", "+44 20 7946 0958"),
    ("PHONE_NUMBER", "office (415) 555-2671", "(415) 555-2671"),
    ("PHONE_NUMBER", "+1 415-555-2671", "+1 415-555-2671"),
    ("PHONE_NUMBER", "call me on 4155552671", "4155552671"),
    ("PHONE_NUMBER", "Telefon +49 30 901820", "+49 30 901820"),
    ("PHONE_NUMBER", "tel: 020 7946 0958", "020 7946 0958"),
    ("PHONE_NUMBER", "dial 0044 20 7946 0958", "0044 20 7946 0958"),
    ("PHONE_NUMBER", "+33 1 42 68 53 00", "+33 1 42 68 53 00"),
    ("PHONE_NUMBER", "+86 139 1234 5678", "+86 139 1234 5678"),
    ("PHONE_NUMBER", "手机13812345678，谢谢", "13812345678"),
    ("PHONE_NUMBER", "mobile 138-1234-5678", "138-1234-5678"),
    ("PHONE_NUMBER", "微信 +8613812345678", "+8613812345678"),
    ("PHONE_NUMBER", "Handy (+49) 30 901820!", "(+49) 30 901820"),
    ("PHONE_NUMBER", "phone +1 201-555-0123, 快递单号 924577103015", "+1 201-555-0123"),
    ("PHONE_NUMBER", "call +1 201-559-9956 17 items", "+1 201-559-9956"),
    ("PHONE_NUMBER", "order 2971836795 06 12 34 56 78.", "06 12 34 56 78"),
    ("PHONE_NUMBER", "My parcel never arrived. (201) 515-1609!", "(201) 515-1609"),
    # e-mail
    ("EMAIL_ADDRESS", "write to ada.lovelace@example.org.", "ada.lovelace@example.org"),
    ("EMAIL_ADDRESS", "<a+tag@sub.example.co.uk>", "a+tag@sub.example.co.uk"),
    ("EMAIL_ADDRESS", "邮箱ada@example.cn谢谢", "ada@example.cn"),
    # IP addresses
    ("IP_ADDRESS", "from 192.168.1.20 at noon", "192.168.1.20"),
    ("IP_ADDRESS", "dns 8.8.8.8.", "8.8.8.8"),
    ("IP_ADDRESS", "v6 2001:db8::8a2e:370:7334.", "2001:db8::8a2e:370:7334"),
    ("IP_ADDRESS", "link fe80::1ff:fe23:4567:890a", "fe80::1ff:fe23:4567:890a"),
    ("IP_ADDRESS", "mapped ::ffff:192.0.2.1 ok", "::ffff:192.0.2.1"),
    ("IP_ADDRESS", "IP地址72.6.78.88。", "72.6.78.88"),
    ("IP_ADDRESS", "app v4.4.0.4 IP 208.174.157.247", "208.174.157.247"),
    ("IP_ADDRESS", "at [2001:db8::1]:8443", "2001:db8::1"),
    ("IP_ADDRESS", "on 10.1.2.3:8080", "10.1.2.3"),
    # URLs
    ("URL", "see https://example.com/a?b=1.", "https://example.com/a?b=1"),
    ("URL", "(see http://example.com/x)", "http://example.com/x"),
    ("URL", "go to www.example.org/path, then", "www.example.org/path"),
    # bank and routing numbers need their label
    ("US_BANK_NUMBER", "account number 12345678901", "12345678901"),
    ("US_BANK_NUMBER", "acct: 000123456789", "000123456789"),
    ("US_BANK_NUMBER", "checking 987654321 please", "987654321"),
    ("ABA_ROUTING_NUMBER", "routing number 021000021", "021000021"),
    ("ABA_ROUTING_NUMBER", "ABA: 011000015", "011000015"),
    # Chinese resident ID
    ("CN_RESIDENT_ID", "身份证号 11010519491231002X", "11010519491231002X"),
    ("CN_RESIDENT_ID", "身份证440308199901011234", "440308199901011234"),
    ("CN_RESIDENT_ID", "id 31010419851203001x", "31010419851203001x"),
    # passports and driving licences need their label
    ("PASSPORT", "passport: X12345678", "X12345678"),
    ("PASSPORT", "passport number is 123456789", "123456789"),
    ("PASSPORT", "护照号码：E12345678", "E12345678"),
    ("DRIVER_LICENSE", "driver's license D1234-5678-9012", "D1234-5678-9012"),
    ("DRIVER_LICENSE", "DL# S53046084412", "S53046084412"),
    ("DRIVER_LICENSE", "driving licence MORGA657054SM9IJ", "MORGA657054SM9IJ"),
    ("DRIVER_LICENSE", "驾驶证号 110105194912310021", "110105194912310021"),
    # dates of birth
    ("DATE_TIME", "DOB: 1985-03-12", "1985-03-12"),
    ("DATE_TIME", "born on March 12, 1985", "March 12, 1985"),
    ("DATE_TIME", "date of birth 12/03/1985", "12/03/1985"),
    ("DATE_TIME", "birthday: 3rd of May 1990", "3rd of May 1990"),
    ("DATE_TIME", "出生日期：1990年5月12日", "1990年5月12日"),
    ("DATE_TIME", "Geburtsdatum 12.03.1985", "12.03.1985"),
    # secrets
    ("PASSWORD", "password: hunter22", "hunter22"),
    ("PASSWORD", "my password is Tr0ub4dor&3.", "Tr0ub4dor&3"),
    ("PASSWORD", "pwd=s3cr3t!", "s3cr3t!"),
    ("PASSWORD", "Password: correcthorse", "correcthorse"),
    ("PASSWORD", "我的密码是Abc12345", "Abc12345"),
    ("PASSWORD", "密码：abc123456", "abc123456"),
    ("API_KEY", "key AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    ("API_KEY", "token ghp_" + "a1B2" * 9, "ghp_" + "a1B2" * 9),
    ("API_KEY", "pat " + GH_PAT, GH_PAT),
    ("API_KEY", "slack xoxb-1234567890-abcdefghij", "xoxb-1234567890-abcdefghij"),
    ("API_KEY", "stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
    ("API_KEY", GOOGLE, GOOGLE),
    ("API_KEY", "jwt " + JWT, JWT),
    ("API_KEY", 'api_key = "Zx9PqL2mNv8RtY4wKs7H"', "Zx9PqL2mNv8RtY4wKs7H"),
    ("API_KEY", "use Bearer abcDEF123456ghiJKL789mno", "abcDEF123456ghiJKL789mno"),
    ("API_KEY", "x-api-key: AbC123dEf456GhI789", "AbC123dEf456GhI789"),
    ("API_KEY", "token " + JWE, JWE),  # encrypted: five parts
    # what signs a customer in (recognizers/http.py); the scheme stays readable
    ("HTTP_AUTHORIZATION", "Authorization: Bearer abcDEF123456ghiJKL789mno",
     "abcDEF123456ghiJKL789mno"),
    ("HTTP_AUTHORIZATION", 'curl -H "Authorization: Basic dXNlcjpwYXNz" https://x.example',
     "dXNlcjpwYXNz"),
    ("HTTP_AUTHORIZATION", '{"authorization": "Bearer ' + JWT + '"}', JWT),
    ("HTTP_AUTHORIZATION", 'Proxy-Authorization: Digest username="bob", response="6629fae4"',
     'username="bob", response="6629fae4"'),
    ("HTTP_COOKIE", "Cookie: _ga=GA1.2.3; sessionid=8f2k3j4h5g6f7d8s\nHost: x",
     "_ga=GA1.2.3; sessionid=8f2k3j4h5g6f7d8s"),
    ("HTTP_COOKIE", "< Set-Cookie: JSESSIONID=ABCDEF0123456789; Path=/; HttpOnly",
     "JSESSIONID=ABCDEF0123456789; Path=/; HttpOnly"),
    ("HTTP_COOKIE", "document.cookie = 'connect.sid=s%3AQm9vb.abc123; path=/'",
     "connect.sid=s%3AQm9vb.abc123; path=/"),
    ("HTTP_COOKIE", '{"name": "Cookie", "value": "theme=dark; _shop=Zx81"}, {"name',  # cut HAR
     "theme=dark; _shop=Zx81"),
    ("SESSION_ID", "GET /app;jsessionid=0AB1C2D3E4F5A6B7 HTTP/1.1", "0AB1C2D3E4F5A6B7"),
    ("SESSION_ID", "https://x.example.com/cb?sid=a8f93kd02jd93&x=1", "a8f93kd02jd93"),
    ("SESSION_ID", "PHPSESSID=el4ukv0kqbvoirg7nkp4dncpk3", "el4ukv0kqbvoirg7nkp4dncpk3"),
    ("SESSION_ID", "ASP.NET_SessionId=3x4mpl3s3ss10n1d;", "3x4mpl3s3ss10n1d"),
    ("SESSION_ID", '{"sessionId": "1f3a9c77e2b04d5a"}', "1f3a9c77e2b04d5a"),
    ("API_KEY", "aws_secret_access_key=" + AWS_SECRET, AWS_SECRET),
    ("PRIVATE_KEY", "here:\n" + PEM + "\nthanks", PEM),
    ("PRIVATE_KEY", OPENSSH, OPENSSH),
    ("PRIVATE_KEY", TRUNCATED + "\n\nrest", TRUNCATED),
    ("STREET_ADDRESS", "My address is 12 Secret Street, London. Thanks",
     "12 Secret Street, London"),
    ("STREET_ADDRESS", "Please ship to: 221B Baker Street, London NW1 6XE",
     "221B Baker Street, London NW1 6XE"),
    ("STREET_ADDRESS", "I live at 5 Rue de Rivoli, 75001 Paris and my phone is new",
     "5 Rue de Rivoli, 75001 Paris"),
    ("STREET_ADDRESS", "Meine Adresse: Hauptstraße 5, 10115 Berlin", "Hauptstraße 5, 10115 Berlin"),
    ("STREET_ADDRESS", "收货地址：北京市朝阳区建国路88号", "北京市朝阳区建国路88号"),
]

# (entity, text): nothing of that entity may be found
INVALID = [
    ("CREDIT_CARD", "card 4111 1111 1111 1112"),  # Luhn fails
    ("CREDIT_CARD", "1234 5678 9012 3456"),  # no issuer starts with 1
    ("CREDIT_CARD", "0000 0000 0000 0000"),
    ("CREDIT_CARD", "order 4111111111111"),  # Visa length, Luhn fails
    ("CREDIT_CARD", "41111111111111111111"),  # 20 digits
    ("CREDIT_CARD", "5555-5555 5555-4444"),  # mixed separators
    ("CREDIT_CARD", "3782 822463 10006"),
    ("CREDIT_CARD", "tracking 1Z999AA10123456784"),
    ("CREDIT_CARD", "id 620102197001011234"),  # a Chinese ID, not an 18-digit UnionPay
    ("CREDIT_CARD", "barcode 4222222222222"),  # 13 digits without a card word: EAN-13
    ("CREDIT_CARD", "USPS 9400 4111 1111 1111 1111 00"),  # part of a longer number
    ("CREDIT_CARD", "IBAN DE00 4111 1111 1111 1111 35"),
    ("CREDIT_CARD", "订单号4111111111111111"),  # labelled as an order number
    ("IBAN_CODE", "DE89 3704 0044 0532 0130 01"),  # mod-97 fails
    ("IBAN_CODE", "DE89 3704 0044 0532 0130"),  # too short for DE
    ("IBAN_CODE", "XX89 3704 0044 0532 0130 00"),  # no such country
    ("IBAN_CODE", "GB82 WEST 1234 5698 7654 3"),
    ("IBAN_CODE", "SKU AB12 CDEF GHIJ KLMN"),
    ("IBAN_CODE", "DE00 9451 1882 9105 6849 80"),  # check digits 00 are never issued
    ("US_SSN", "SSN 000-12-3456"),  # area 000
    ("US_SSN", "SSN 666-12-3456"),  # area 666
    ("US_SSN", "SSN 912-34-5678"),  # area 9xx
    ("US_SSN", "SSN 536-00-8726"),  # group 00
    ("US_SSN", "SSN 536-22-0000"),  # serial 0000
    ("US_SSN", "078-05-1120"),  # the Woolworth wallet card
    ("US_SSN", "example 123-45-6789"),
    ("US_SSN", "order 536228726 shipped"),  # nine digits without a label
    ("US_SSN", "536-22 8726"),
    ("US_SSN", "part 1-536-22-8726-0"),
    ("PHONE_NUMBER", "order 415-555-2671 shipped"),
    ("PHONE_NUMBER", "the SSN in the form was 987-65-4321"),
    ("PHONE_NUMBER", "invoice #4155552671"),
    ("PHONE_NUMBER", "delivered 2024-03-15"),
    ("PHONE_NUMBER", "number 4155552671"),  # bare digits, no phone word
    ("PHONE_NUMBER", "version 10.0.19045.2965"),
    ("PHONE_NUMBER", "ip 192.168.100.200"),
    ("PHONE_NUMBER", "total 12345"),
    ("PHONE_NUMBER", "card 4111 1111 1111 1111"),
    ("PHONE_NUMBER", "编号12812345678"),  # no 12x mobile range, no phone word
    ("PHONE_NUMBER", "tracking 138123456789"),
    ("EMAIL_ADDRESS", "ada@localhost"),
    ("EMAIL_ADDRESS", "@example.org"),
    ("EMAIL_ADDRESS", "ada..x@example.org"),
    ("EMAIL_ADDRESS", "user@example"),
    ("EMAIL_ADDRESS", "foo@bar.c"),
    ("IP_ADDRESS", "256.1.1.1"),
    ("IP_ADDRESS", "01.02.03.04"),
    ("IP_ADDRESS", "version 1.2.3.4"),
    ("IP_ADDRESS", "v1.2.3.4"),
    ("IP_ADDRESS", "build 10.0.0.1"),
    ("IP_ADDRESS", "at 12:30:45"),
    ("IP_ADDRESS", "mac 00:1A:2B:3C:4D:5E"),
    ("IP_ADDRESS", "1.2.3"),
    ("IP_ADDRESS", "1.2.3.4.5"),
    ("IP_ADDRESS", "Note: dead:beef"),
    ("URL", "http://localhost"),
    ("URL", "see example dot com"),
    ("US_BANK_NUMBER", "order 12345678901"),
    ("US_BANK_NUMBER", "account 1234567"),
    ("US_BANK_NUMBER", "account 00000000"),
    ("ABA_ROUTING_NUMBER", "routing 123456789"),  # checksum fails
    ("ABA_ROUTING_NUMBER", "ref 021000021"),  # no label
    ("CN_RESIDENT_ID", "11010519491231002Y"),
    ("CN_RESIDENT_ID", "110105194912310021"),  # wrong check character
    ("CN_RESIDENT_ID", "110105194902301234"),  # 30 February
    ("CN_RESIDENT_ID", "990105194912310021"),  # no province 99
    ("CN_RESIDENT_ID", "110105209912310021"),  # born in the future
    ("PASSPORT", "my passport expired in 2019"),
    ("PASSPORT", "X12345678"),
    ("PASSPORT", "passport 000000000"),
    ("DRIVER_LICENSE", "driver license number pending"),
    ("DRIVER_LICENSE", "license 1234"),
    ("DATE_TIME", "delivered on 31/02/2020"),  # no 31 February
    ("DATE_TIME", "version 2.10.2020"),
    ("DATE_TIME", "DOB: 1985-13-45"),
    ("DATE_TIME", "born in a small town"),
    ("PASSWORD", "my password is expired"),
    ("PASSWORD", "password: reset"),
    ("PASSWORD", "I forgot my password"),
    ("PASSWORD", "the password is not working"),
    ("PASSWORD", "passport X12345678"),
    ("PASSWORD", "密码错误"),
    ("PASSWORD", "password: ********!"),  # already masked
    ("PASSWORD", "password: ********。USPS 0094"),
    ("API_KEY", "AKIA1234"),
    ("API_KEY", "eyJhbGci.eyJzdWIi.c2lnbmF0dXJl"),
    ("API_KEY", "api_key = aaaaaaaaaaaaaaaaaaaa"),
    ("API_KEY", "sk_live_short"),
    ("API_KEY", "the token expired yesterday"),
    ("API_KEY", "eyJub3QiOiJhIGp3dCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N"),
    ("API_KEY", "x-api-key: short"),
    ("HTTP_AUTHORIZATION", "Authorization: denied because the token expired"),
    ("HTTP_AUTHORIZATION", "the Authorization header is missing"),
    ("HTTP_AUTHORIZATION", "Authorization: Bearer"),
    ("HTTP_COOKIE", "Cookie: please enable cookies"),
    ("HTTP_COOKIE", "cookie consent = yes"),
    ("SESSION_ID", "ssid=HomeWifi5G"),  # a Wi-Fi name, not an id
    ("SESSION_ID", "Session: 2024-01-01"),  # prose, not a JSON key
    ("SESSION_ID", "inside=12345678901"),
    ("SESSION_ID", "session=new"),
    ("PRIVATE_KEY", PUBLIC),
    ("STREET_ADDRESS", "the address bar shows version 2"),  # no separator: not a label
    ("STREET_ADDRESS", "my IP address is 10.0.0.1"),
    ("STREET_ADDRESS", "email address: ada@example.org"),
    ("STREET_ADDRESS", "address: see my profile"),  # no number: not an address
    ("STREET_ADDRESS", "shipping address: 4111 1111 1111 1111"),  # digits only
]


def _values(text: str, entity: str) -> list[str]:
    return [text[f.start:f.end] for f in pii.scan(text) if f.entity == entity]


@pytest.mark.parametrize(("entity", "text", "value"), VALID,
                         ids=[f"{e}:{t[:30]}" for e, t, _ in VALID])
def test_finds(entity, text, value):
    assert _values(text, entity) == [value]


@pytest.mark.parametrize(("entity", "text"), INVALID,
                         ids=[f"{e}:{t[:30]}" for e, t in INVALID])
def test_rejects(entity, text):
    assert _values(text, entity) == []


def test_every_builtin_entity_is_covered_by_the_tables():
    covered = {e for e, _, _ in VALID} & {e for e, _ in INVALID}
    assert pii.default_scanner().registry.entities <= covered


def test_phone_locale_decides_national_numbers():
    text = "Telefon 030 901820"
    assert _found_with(text, ["de_DE"]) == ["030 901820"]
    assert _found_with(text, ["en_US"]) == []


def _found_with(text, locales):
    return [text[f.start:f.end] for f in pii.scan(text, locales=locales)
            if f.entity == "PHONE_NUMBER"]


def test_two_phone_numbers_in_one_run_are_split():
    text = "call 415-555-2671 415-555-2672"
    assert [text[f.start:f.end] for f in pii.scan(text)] == ["415-555-2671", "415-555-2672"]


def test_scores_rise_with_context():
    plain = pii.scan("ref 536-22-8726")[0]
    labelled = pii.scan("SSN 536-22-8726")[0]
    assert labelled.score > plain.score
