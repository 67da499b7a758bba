"""Checksums that tell a real identifier from a number that merely looks like one."""
from __future__ import annotations

import re
from datetime import date

PHONE_REGIONS = ("NL", "DK", "SE", "DE", "GB", "US")


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def luhn(text: str) -> bool:
    """Payment card numbers (13-19 digits) and the Swedish personnummer use Luhn."""
    ds = digits(text)
    if not ds:
        return False
    total = 0
    for i, ch in enumerate(reversed(ds)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card(text: str) -> bool:
    ds = digits(text)
    return 13 <= len(ds) <= 19 and luhn(ds) and len(set(ds)) > 1


def iban(text: str) -> bool:
    """ISO 13616 mod-97 check."""
    compact = "".join(text.split()).upper()
    if len(compact) < 15 or len(compact) > 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    try:
        number = int("".join(str(int(ch, 36)) for ch in rearranged))
    except ValueError:
        return False
    return number % 97 == 1


def bsn(text: str) -> bool:
    """Dutch citizen service number: the 11-test."""
    ds = digits(text)
    if len(ds) == 8:
        ds = "0" + ds
    if len(ds) != 9 or ds == "0" * 9:
        return False
    total = sum(int(d) * w for d, w in zip(ds[:8], range(9, 1, -1))) - int(ds[8])
    return total % 11 == 0


def cpr(text: str) -> bool:
    """Danish CPR number: a real date of birth in DDMMYY (modulus 11 was dropped in 2007)."""
    ds = digits(text)
    if len(ds) != 10:
        return False
    day, month, year = int(ds[0:2]), int(ds[2:4]), int(ds[4:6])
    return _valid_date(1900 + year, month, day) or _valid_date(2000 + year, month, day)


def personnummer(text: str) -> bool:
    """Swedish personal identity number: YYMMDD-NNNC with a Luhn check digit."""
    ds = digits(text)
    if len(ds) == 12:
        ds = ds[2:]
    if len(ds) != 10:
        return False
    month, day = int(ds[2:4]), int(ds[4:6])
    if day > 60:  # co-ordination numbers add 60 to the day
        day -= 60
    return _valid_date(2000, month, day) and luhn(ds)


def steuer_id(text: str) -> bool:
    """German tax identification number (11 digits, ISO 7064 mod 11,10)."""
    ds = digits(text)
    if len(ds) != 11 or ds[0] == "0":
        return False
    counts = [ds[:10].count(d) for d in set(ds[:10])]
    if sorted(counts, reverse=True)[0] not in (2, 3):
        return False
    product = 10
    for ch in ds[:10]:
        total = (int(ch) + product) % 10 or 10
        product = (total * 2) % 11
    check = 11 - product
    return (0 if check == 10 else check) == int(ds[10])


DATE_LIKE = re.compile(r"^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}$")
DANISH_PAIRS = re.compile(r"^\d{2}( \d{2}){3}$")
US_FORMAT = re.compile(r"^\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}$")
DIGIT_RUN = re.compile(r"\d+")


def phone_regions(text: str) -> tuple[str | None, ...]:
    """Regions in which to read a candidate: how it is written says where it can be from."""
    if text.startswith(("+", "00")):
        return (None,) if text.startswith("+") else ("NL",)
    if text.startswith("0"):
        return ("NL", "DE", "GB", "SE")
    if DANISH_PAIRS.match(text):
        return ("DK",)
    if US_FORMAT.match(text):
        return ("US",)
    return ()


def phone(text: str, regions: tuple[str, ...] = ()) -> bool:
    """A number that is valid in one of the brands' home regions (libphonenumber's metadata).

    `regions` are where to read a number written without a country code (the brand's,
    then its sentence's language's): one with the trunk 0 ("030 1234567") is read there as
    it is; one without must also be grouped as the region writes it ("(212) 555-0143",
    "20 12 34 56"), so that order numbers and prices stay numbers.
    """
    text = text.strip()
    if DATE_LIKE.match(text):
        return False
    # Imported for the first number-like match only: loading its metadata costs a post without one its start-up.
    import phonenumbers

    hinted = () if text.startswith(("+", "00")) else regions
    for region in dict.fromkeys(hinted + phone_regions(text)):
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_valid_number(number):
            continue
        found = phonenumbers.region_code_for_number(number)
        if found in PHONE_REGIONS and region not in hinted:
            return True
        if found in hinted and (text.startswith("0") or _grouped_as(text, number)):
            return True
    return False


def _grouped_as(text: str, number) -> bool:
    """Whether the digits are grouped as the region writes its numbers."""
    import phonenumbers

    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return [len(g) for g in DIGIT_RUN.findall(text)] == [len(g) for g in DIGIT_RUN.findall(national)]


# Area numbers the SSA never assigns, and numbers it voided after they were printed in ads.
SSN_VOID = {"078051120", "219099999", "123456789"}


def ssn(text: str) -> bool:
    """US social security number: area 001-899 but 666, group 01-99, serial 0001-9999."""
    ds = digits(text)
    if len(ds) != 9 or ds in SSN_VOID or len(set(ds)) == 1:
        return False
    area, group, serial = int(ds[:3]), int(ds[3:5]), int(ds[5:])
    return 0 < area < 900 and area != 666 and group > 0 and serial > 0


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


CHECKS = {
    "phone": phone,
    "luhn": luhn,
    "card": card,
    "iban": iban,
    "bsn": bsn,
    "cpr": cpr,
    "personnummer": personnummer,
    "steuer-id": steuer_id,
    "ssn": ssn,
}
