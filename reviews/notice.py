"""The filing notice (备案通知书): a one- or two-page A4 PDF issued with the filing number on approval (DESIGN §3).

The notice is a Django template rendered to PDF by ``portal.pdf``. The same data always gives the same bytes: the
PDF's dates come from the filing date and its identifier from the filing number, never from the clock, so a notice
can be re-issued and checked against the SHA-256 recorded when it was first issued.
"""

import hashlib
from dataclasses import dataclass
from datetime import date

import segno

from portal.pdf import RenderedPdf, render_pdf

TEMPLATE = "reviews/filing_notice.html"
GUIDELINE = "《南京市级创新联合体备案建设工作指引》（宁科规〔2025〕2号）"


@dataclass(frozen=True)
class NoticeData:
    filing_number: str
    consortium_name: str
    lead_unit_name: str
    member_names: list[str]
    industry_field_name: str
    start_date: date
    end_date: date
    filed_on: date
    issuer: str = "南京市科学技术局"
    # The code printed on the notice and the public page that checks it (/verify/<code>/); empty: none printed.
    verification_code: str = ""
    verification_url: str = ""

    @property
    def verification_qr(self) -> str:
        """The verification URL as a QR code, an SVG data: URI drawn here (segno), never fetched from elsewhere."""
        return segno.make(self.verification_url, error="m").svg_data_uri(scale=4, border=2)


def chinese_date(day: date) -> str:
    """2026年11月25日 — the form of dates in official documents (GB/T 9704: Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def render_filing_notice(data: NoticeData) -> RenderedPdf:
    return render_pdf(
        TEMPLATE,
        {
            "notice": data,
            "guideline": GUIDELINE,
            "period": f"{chinese_date(data.start_date)}至{chinese_date(data.end_date)}",
            "filed_on": chinese_date(data.filed_on),
        },
        key=f"{data.filing_number}|{data.filed_on.isoformat()}",
        created=data.filed_on,
    )


def notice_sha256(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()
