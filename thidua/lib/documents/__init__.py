"""Official documents in the Decree 30/2020/NĐ-CP layout, from plain data to .docx and .pdf.

`OfficialDocument` holds the parts of an administrative document (Phụ lục I of Decree 30/2020);
`render_docx` and `render_pdf` turn it into bytes. No models, no requests: exports build the data.
"""

from thidua.lib.documents.docx import render_docx
from thidua.lib.documents.model import (
    QUOC_HIEU,
    TIEU_NGU,
    Image,
    OfficialDocument,
    Paragraph,
    Signer,
    Table,
    in_full,
    number_line,
)
from thidua.lib.documents.pdf import render_pdf

__all__ = [
    "QUOC_HIEU",
    "TIEU_NGU",
    "Image",
    "OfficialDocument",
    "Paragraph",
    "Signer",
    "Table",
    "in_full",
    "number_line",
    "render_docx",
    "render_pdf",
]
