"""What every PDF Chorus writes shares: fpdf2, with a font that has the Welsh letters.

The PDF core fonts lack letters such as ŵ and ŷ; Roboto (shipped by the ``font-roboto``
package) has them, so every document draws its text in Roboto, added by ``fonts_add``.
"""

from __future__ import annotations

import logging
from pathlib import Path

import font_roboto  # type: ignore[import-untyped]
from fpdf import FPDF

FONTS = Path(font_roboto.__file__).parent / "files"
FONT = "Roboto"
# fontTools reports each font subset it makes at INFO; that is noise in the logs.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def fonts_add(pdf: FPDF) -> None:
    """Give ``pdf`` Roboto, regular and bold, under the family name ``FONT``."""
    pdf.add_font(FONT, "", str(FONTS / "Roboto-Regular.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "Roboto-Bold.ttf"))
