"""Hard negatives for the PII benchmark corpus: text full of digit groups that are not
PII. Street addresses in the formats of many countries' postal services (house numbers,
postcodes, ZIP+4, CEPs, PIN codes, Chinese 号/室/邮编), and references: order, invoice
and tracking numbers, version strings, serials, barcodes, amounts, invalid dates, card-
and IBAN-shaped numbers that fail their checks. None of them is labelled.
"""

from __future__ import annotations

import random
import string

STREETS = ["Oak", "Maple", "Cedar", "Elm", "Park", "Lake", "Hill", "Church", "Mill",
           "Station", "High", "King", "Queen", "Victoria", "Market"]
CITIES_US = [("Springfield", "IL"), ("Portland", "OR"), ("Austin", "TX"),
             ("San Francisco", "CA"), ("Boston", "MA"), ("Denver", "CO")]
DE_STREETS = ["Friedrich", "Haupt", "Bahnhof", "Schiller", "Goethe", "Linden", "Berg"]
DE_CITIES = ["Berlin", "München", "Hamburg", "Köln", "Frankfurt am Main", "Leipzig"]
FR_CITIES = ["Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux", "Lille"]
ES_CITIES = ["Madrid", "Barcelona", "Sevilla", "Valencia"]
IT_CITIES = [("Roma", "RM"), ("Milano", "MI"), ("Torino", "TO"), ("Napoli", "NA")]
CN_CITIES = [("上海市", "浦东新区", "世纪大道"), ("北京市", "朝阳区", "建国路"),
             ("广州市", "天河区", "天河路"), ("深圳市", "南山区", "科技园路")]


class Lookalikes:
    def __init__(self, r: random.Random) -> None:
        self.r = r

    def digits(self, n: int) -> str:
        return "".join(self.r.choice(string.digits) for _ in range(n))

    def n(self, lo: int = 1, hi: int = 250) -> int:
        return self.r.randint(lo, hi)

    def address(self) -> str:
        r = self.r
        return r.choice([self._us, self._uk, self._de, self._fr, self._es, self._it,
                         self._nl, self._ch, self._cn, self._cn_en, self._jp, self._in,
                         self._au, self._ca, self._br])()

    def _us(self) -> str:
        city, st = self.r.choice(CITIES_US)
        zip_ = self.digits(5) + (f"-{self.digits(4)}" if self.r.random() < 0.5 else "")
        unit = self.r.choice(["", f", Suite {self.n(100, 4800)}", f" Apt {self.n(1, 40)}",
                              f", Unit {self.n(1, 300)}"])
        sep = self.r.choice([", ", "\n"])
        return (f"{self.n(1, 9999)} {self.r.choice(STREETS)} "
                f"{self.r.choice(['St', 'Street', 'Ave', 'Avenue', 'Blvd', 'Road'])}{unit}"
                f"{sep}{city}, {st} {zip_}")

    def _uk(self) -> str:
        r = self.r
        pc = (f"{r.choice(['SW', 'NW', 'EC', 'W', 'M', 'B', 'LS'])}{self.n(1, 20)}"
              f"{r.choice(['', 'A'])} {self.n(1, 9)}{r.choice(string.ascii_uppercase)}"
              f"{r.choice(string.ascii_uppercase)}")
        flat = r.choice(["", f"Flat {self.n(1, 40)}, "])
        return (f"{flat}{self.n(1, 300)} {r.choice(STREETS)} "
                f"{r.choice(['Road', 'Street', 'Lane', 'Close', 'Mews'])}, "
                f"{r.choice(['London', 'Manchester', 'Leeds'])} {pc}")

    def _de(self) -> str:
        r = self.r
        street = f"{r.choice(DE_STREETS)}{r.choice(['straße', 'strasse', 'weg', 'platz'])}"
        sep = r.choice([", ", " ", "\n"])
        if r.random() < 0.15:
            return f"Postfach {self.digits(2)} {self.digits(2)} {self.digits(2)}, " \
                   f"{self.digits(5)} {r.choice(DE_CITIES)}"
        return f"{street} {self.n()}{r.choice(['', 'a', 'b'])}{sep}{self.digits(5)} " \
               f"{r.choice(DE_CITIES)}"

    def _fr(self) -> str:
        r = self.r
        return (f"{self.n(1, 180)}{r.choice(['', ' bis'])} "
                f"{r.choice(['rue', 'avenue', 'boulevard', 'chemin'])} "
                f"{r.choice(['de la Paix', 'Victor Hugo', 'des Lilas', 'du Moulin'])}, "
                f"{r.choice(['', 'BP ' + str(self.n(10, 999)) + ', '])}"
                f"{self.digits(5)} {r.choice(FR_CITIES)}")

    def _es(self) -> str:
        r = self.r
        return (f"Calle {r.choice(['Mayor', 'de Alcalá', 'Gran Vía', 'Serrano'])} "
                f"{self.n(1, 200)}, {self.n(1, 9)}º {r.choice('ABCD')}, {self.digits(5)} "
                f"{r.choice(ES_CITIES)}")

    def _it(self) -> str:
        city, pr = self.r.choice(IT_CITIES)
        return (f"Via {self.r.choice(['Roma', 'Garibaldi', 'Dante', 'Verdi'])} "
                f"{self.n(1, 200)}{self.r.choice([', ', ' '])}{self.digits(5)} {city} ({pr})")

    def _nl(self) -> str:
        r = self.r
        return (f"{r.choice(['Keizers', 'Prinsen', 'Heren'])}{r.choice(['gracht', 'straat'])} "
                f"{self.n(1, 600)}, {self.n(1000, 9999)} {r.choice(string.ascii_uppercase)}"
                f"{r.choice(string.ascii_uppercase)} {r.choice(['Amsterdam', 'Utrecht'])}")

    def _ch(self) -> str:
        return (f"{self.r.choice(['Bahnhof', 'Seefeld', 'Limmat'])}strasse {self.n(1, 150)}, "
                f"{self.n(1000, 9658)} {self.r.choice(['Zürich', 'Bern', 'Basel'])}")

    def _cn(self) -> str:
        city, district, road = self.r.choice(CN_CITIES)
        return self.r.choice([
            f"{city}{district}{road}{self.n(1, 999)}号{self.n(1, 30)}楼{self.n(101, 3208)}室，"
            f"邮编{self.digits(6)}",
            f"{city}{district}{road}{self.n(1, 999)}号{self.n(101, 3208)}室 {self.digits(6)}",
            f"邮政编码：{self.digits(6)}，地址：{city}{district}{road}{self.n(1, 999)}弄"
            f"{self.n(1, 60)}号"])

    def _cn_en(self) -> str:
        return (f"Room {self.n(101, 3208)}, No. {self.n(1, 999)} "
                f"{self.r.choice(['Century Avenue', 'Jianguo Road', 'Nanjing Road'])}, "
                f"{self.r.choice(['Pudong', 'Chaoyang', 'Huangpu'])}, "
                f"{self.r.choice(['Shanghai', 'Beijing'])} {self.digits(6)}")

    def _jp(self) -> str:
        return (f"〒{self.digits(3)}-{self.digits(4)} 東京都千代田区丸の内{self.n(1, 3)}-"
                f"{self.n(1, 9)}-{self.n(1, 20)}")

    def _in(self) -> str:
        pin = self.digits(6)
        if self.r.random() < 0.4:
            pin = f"{pin[:3]} {pin[3:]}"
        return (f"Flat {self.n(1, 900)}, {self.r.choice(['Lotus', 'Palm'])} Apartments, "
                f"MG Road, {self.r.choice(['Bengaluru', 'Pune', 'Mumbai'])} - {pin}")

    def _au(self) -> str:
        return (f"Unit {self.n(1, 40)}, {self.n(1, 400)} {self.r.choice(STREETS)} St, "
                f"{self.r.choice(['Sydney NSW', 'Melbourne VIC'])} {self.n(2000, 3999)}")

    def _ca(self) -> str:
        r = self.r
        pc = (f"{r.choice('KLMNTV')}{self.n(0, 9)}{r.choice('ABCEGHJ')} "
              f"{self.n(0, 9)}{r.choice('ABCEGHJ')}{self.n(0, 9)}")
        return f"{self.n(1, 9999)} {r.choice(STREETS)} St, Toronto ON {pc}"

    def _br(self) -> str:
        return (f"Rua {self.r.choice(['Augusta', 'da Consolação', 'Oscar Freire'])}, "
                f"{self.n(1, 3000)}, São Paulo - SP, {self.digits(5)}-{self.digits(3)}")

    # --- references and numbers that are not PII ---------------------------------------
    def reference(self, bad_card, bad_date) -> str:
        r, d = self.r, self.digits
        return r.choice([
            lambda: f"Order #{r.randint(10**9, 10**10 - 1)}",
            lambda: f"order number {d(10)}",
            lambda: f"order no. {r.randint(2019, 2025)}-{d(6)}",
            lambda: f"invoice INV-{r.randint(2019, 2025)}-{d(5)}",
            lambda: f"Invoice {r.randint(2019, 2025)}/{d(4)}",
            lambda: f"reference {bad_card()}",
            lambda: f"tracking 1Z{d(3)}AA1{d(10)}",
            lambda: f"USPS {d(4)} {d(4)} {d(4)} {d(4)} {d(4)} {d(2)}",
            lambda: f"DHL JD01{d(16)}", lambda: f"快递单号 {d(12)}", lambda: f"订单号{d(15)}",
            lambda: f"version {r.randint(1, 12)}.{r.randint(0, 9)}.{r.randint(0, 30)}",
            lambda: f"build 10.0.{r.randint(10000, 22000)}.{r.randint(100, 3000)}",
            lambda: f"app v{r.randint(1, 5)}.{r.randint(0, 9)}.{r.randint(0, 9)}",
            lambda: f"at {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}",
            lambda: "MAC " + ":".join(f"{r.randint(0, 255):02X}" for _ in range(6)),
            lambda: f"amount ${r.randint(1, 9)},{d(3)}.{d(2)}",
            lambda: f"id {self._uuid()}",
            lambda: f"ISBN 978-3-{d(2)}-{d(6)}-{r.randint(0, 9)}",
            lambda: f"barcode {r.choice('4567')}{d(12)}",
            lambda: f"serial SN{d(4)}{r.choice(string.ascii_uppercase)}{d(5)}",
            lambda: "the SSN in the form was " + r.choice(["000-12-3456", "123-45-6789",
                                                            "666-01-2345"]),
            lambda: f"IBAN DE00 {d(4)} {d(4)} {d(4)} {d(4)} {d(2)}",
            lambda: "password: ********",
            lambda: f"ticket #{d(6)}",
            lambda: f"case {r.randint(2019, 2025)}-{d(4)}-{d(4)}",
            lambda: f"{r.randint(2, 40)} items, {r.randint(100, 99999)} points",
            lambda: f"the date on the form, {bad_date()}, is wrong",
            lambda: f"in Q{r.randint(1, 4)} {r.randint(2019, 2025)}",
            lambda: f"coordinates {r.randint(10, 60)}.{d(4)}, {r.randint(1, 30)}.{d(4)}",
        ])()

    def _uuid(self) -> str:
        h = "".join(self.r.choice("0123456789abcdef") for _ in range(32))
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
