"""Word tables for the gazetteer backend (``pii/gazetteer.py``): the cues that announce a
name, and the capitalised words that are not one. Small on purpose: the dictionaries of
names and places come from the installed packages; these tables only say when to trust
them."""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The most common Chinese surnames (the top 100 of the national household-register count,
# plus the common two-character ones). A Han name after a cue must start with one.
HAN_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤")
HAN_DOUBLE_SURNAMES = frozenset({"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐",
                                 "慕容", "尉迟", "长孙", "宇文", "司徒", "夏侯", "公孙"})
# The same surnames as written in pinyin: "Zhang Wei" puts the surname first.
PINYIN_SURNAMES = _words(
    "wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo "
    "zheng liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan yu "
    "jiang cai du ye cheng su wei lu ding ren shen yao cui zhong tan fan jin shi liao "
    "jia xia fu fang bai zou meng xiong qin qiu yin xue yan duan lei hou long tao gu mao "
    "hao gong shao wan qian kong tang ouyang")
# Chinese text: a cue, then the name. Characters that end a Han name when they follow it
# ("我是王伟的朋友" — the name stops before 的).
HAN_CUE = re.compile(r"(?:我叫|我是|我的名字是|名字叫|名字是|本人|联系人|收件人|姓名|尊敬的|亲爱的)"
                     r"\s*[:：]?\s*([\u4e00-\u9fff]{2,4})")
HAN_STOP = frozenset("的在是想要有今我你他她从来住说和与，。、")
HAN_SIGNOFFS = ("谢谢", "此致", "祝好", "敬礼", "顺祝")

# Words before a capitalised name that make it one ("my name is", "Dear", "Mr").
# Matched against the lowercased text just before the candidate.
_CUES = [
    r"my name is", r"my name's", r"i am", r"i'm", r"i’m", r"this is", r"it's", r"name is",
    r"name was", r"surname is", r"last name is", r"first name is", r"maiden name",
    r"called", r"named",
    r"names?\s*:", r"full name\s*:", r"contact\s*:", r"customer\s*:", r"from\s*:",
    r"signed\s*:", r"account holder\s*:", r"cardholder\s*:", r"attn\.?\s*:?",
    r"dear", r"hi", r"hello", r"hey", r"thanks", r"thank you", r"speak to", r"spoke to",
    r"spoke with", r"talked to", r"ask for", r"on behalf of", r"regards", r"cheers",
    # German, French, Spanish, Italian, Dutch.
    r"ich bin", r"ich heiße", r"ich heisse", r"mein name ist", r"name\s*:", r"hallo",
    r"liebe", r"lieber", r"sehr geehrte", r"sehr geehrter", r"je suis", r"je m'appelle",
    r"mon nom est", r"nom\s*:", r"cher", r"chère", r"me llamo", r"mi nombre es", r"soy",
    r"nombre\s*:", r"estimado", r"estimada", r"hola", r"mi chiamo", r"sono", r"gentile",
    r"caro", r"cara", r"ik ben", r"mijn naam is", r"beste", r"geachte",
]
CUE_BEFORE = re.compile(r"(?:^|[^\w])(?:" + "|".join(_CUES) + r")[ \t,]*$")
# A form's name field: the rest of the line is the name, whatever its case ("Full name:
# JOHN SMITH", "Name: Smith, John").
NAME_FIELD = re.compile(
    r"(?im)^[ \t]*(?:full name|name|your name|customer name|contact name|account holder|"
    r"cardholder|nom|nom complet|nombre|nombre completo|vollständiger name|nome|naam)"
    r"[ \t]*:[ \t]*([^\W\d_]+(?:(?:[ \t]+|,[ \t]*|\.[ \t]*|['’-])[^\W\d_]+){0,4})"
    r"[ \t.]*$")
# "my name is" before a name written in lowercase ("my name is anna li").
NAME_STATEMENT = re.compile(
    r"(?i)(?:my name is|my name's|mein name ist|ich heiße|ich heisse|je m'appelle|"
    r"mon nom est|me llamo|mi nombre es|mi chiamo|mijn naam is)[ \t]+"
    r"([^\W\d_]+)(?:[ \t]+([^\W\d_]+))?")
# Titles: the capitalised words after one are a name whatever they are.
TITLES = _words("mr mrs ms miss mx dr prof sir madam herr frau m mme mlle sr sra srta "
                   "don doña dott sig signor signora dhr mevr shri smt")
# A line that ends a letter; the next line, if it is only a name, signs it.
SIGNOFF = re.compile(
    r"(?:regards|best|best wishes|kind regards|thanks|thank you|many thanks|cheers|"
    r"sincerely|yours|yours sincerely|yours truly|warm regards|br|danke|viele grüße|"
    r"mit freundlichen grüßen|liebe grüße|gruß|merci|cordialement|bien à vous|"
    r"gracias|saludos|un saludo|atentamente|grazie|cordiali saluti|saluti|groeten|"
    r"met vriendelijke groet|bedankt)\s*[,!.]?\s*$", re.IGNORECASE)

# Capitalised words that start sentences or fill greetings, and never names on their own.
STOP = _words("""
the a an this that these those it its i we you he she they my our your his her their
please thanks thank hello hi hey dear yes no ok okay also and or but so if when then
there here what why how who where which can could would should will may might must
is are was were be been have has had do does did not any some all every each just
after before since until today tomorrow yesterday now soon again still already
support team customer customers service services account order orders ticket refund
payment invoice help admin manager sales billing hr it security staff everyone all
sir madam regards best cheers sincerely kind warm love
mr mrs ms miss dr prof herr frau mme
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun
januar februar märz mai juni juli oktober dezember montag dienstag mittwoch donnerstag
freitag samstag sonntag janvier février mars avril juin juillet août septembre octobre
novembre décembre lundi mardi mercredi jeudi vendredi samedi dimanche enero febrero
marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre lunes martes
miércoles jueves viernes sábado domingo
hallo danke bitte liebe lieber bonjour merci hola gracias ciao grazie beste
me mi je ich ik yo moi mein meine mon ma mijn name nom nombre soy sono i'm i’m it's
christmas easter new year black friday
""")
# Words that make the capitalised run around them a street, a company or a product.
STREET = _words("""
street st road rd avenue ave lane ln drive dr boulevard blvd way court ct place pl
square sq terrace close crescent parkway highway hwy row alley gardens mews bridge
straße strasse str weg platz allee gasse ring damm ufer rue avenue boulevard chemin
calle avenida plaza paseo via viale piazza corso straat laan plein gracht rua travessa
alameda largo
""")
COMPANY = _words("""
inc ltd llc plc gmbh ag sa sas sarl bv nv co corp corporation company group holdings
bank labs technologies systems solutions software consulting partners associates
foundation university college school hospital hotel airlines airways insurance
museum gallery church cathedral station airport library institute clinic pharmacy
restaurant cafe café shop store market mall stadium theatre theater
""")
PRODUCTS = _words("""
apple google microsoft amazon samsung paypal visa mastercard stripe netflix spotify
slack zoom teams outlook excel word windows android iphone ipad macbook pixel galaxy
chrome firefox safari edge jira confluence github gitlab salesforce shopify ebay
dropbox whatsapp telegram signal facebook instagram linkedin twitter tesla uber lyft
orange vodafone prime pro max plus ultra mini air lite premium trustdesk
""")
# Lowercase words inside a name ("Ludwig van Beethoven", "Omar bin Khalid").
PARTICLES = _words("van von der den de del della di da dos das du le la bin bint ibn "
                      "al el ben ter zu")
# Words before a capitalised place that make it one.
PLACE_CUE = re.compile(
    r"(?:^|[^\w])(?:in|from|to|near|at|via|around|outside|live in|based in|located in|"
    r"ship to|moved to|travel to|visit|visiting|city of|nach|aus|bei|im|à|au|en|de|"
    r"desde|para|cerca de|vivo en|da|naar|uit|vanuit|city\s*:|town\s*:|ort\s*:|"
    r"ville\s*:|ciudad\s*:|country\s*:|land\s*:|pays\s*:|país\s*:)[ \t]+$", re.IGNORECASE)
# Common words that are also towns somewhere ("Nice", "Mobile", "Reading").
PLACE_STOP = _words("""
nice mobile reading bath split sale deal hope best police orange university
university of of mission enterprise independence liberty union victory opportunity
normal sandy mesa marina paradise bay beach lake hill hills valley springs falls
center centre city town village north south east west central port mount
""")
