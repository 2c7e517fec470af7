"""Attachments: real PDF, DOCX and XLSX files built here, read back by the checks."""

import io
import zipfile

import pytest
import weasyprint
from openpyxl import Workbook
from openpyxl.comments import Comment
from PIL import Image
from pypdf import PdfWriter
from pypdf.annotations import Text

from govinfo_wagtail.review.checks import check_attachment, extract, run_checks
from govinfo_wagtail.text.extraction import Limits

ID_VALID = "11010519491231002X"
MOBILE = "13812345678"


def pdf_from_html(body: str, head: str = "", **kwargs) -> bytes:
    html = f"<html><head><meta charset=utf-8>{head}</head><body>{body}</body></html>"
    return weasyprint.HTML(string=html).write_pdf(**kwargs)


def summary(findings):
    return sorted((f.location, f.kind, f.code) for f in findings)


# --- PDF ---------------------------------------------------------------------------------


def test_pdf_text_and_document_info():
    pdf = pdf_from_html(
        f"<p>秘密★一年</p><h1>关于某事项的通知</h1><p>联系人电话：{MOBILE}。</p>"
        "<p>依法不予公开的信息包括属于国家秘密的信息。</p>",
        head="<title>通知</title><meta name=author content='办公室 李某'>"
        "<meta name=keywords content='内部资料'>",
    )
    findings = check_attachment("通知.pdf", io.BytesIO(pdf))
    assert summary(findings) == [
        ("attachment:通知.pdf:metadata:keywords", "secrecy", "marking"),
        ("attachment:通知.pdf:page:1", "personal_data", "mobile"),
        ("attachment:通知.pdf:page:1", "secrecy", "marking"),
    ]
    assert MOBILE not in repr(findings)


def test_pdf_annotation_is_checked_and_reported_as_hidden_content():
    pdf = pdf_from_html("<p>正文无问题。</p>")
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    note = Text(rect=(50, 550, 200, 650), text=f"请核实：身份证号{ID_VALID}")
    writer.add_annotation(0, note)
    out = io.BytesIO()
    writer.write(out)
    findings = check_attachment("a.pdf", out.getvalue())
    assert summary(findings) == [
        ("attachment:a.pdf", "secrecy", "hidden_content"),
        ("attachment:a.pdf:metadata:annotation:p1:1", "personal_data", "id_card"),
    ]
    hidden = [f for f in findings if f.code == "hidden_content"][0]
    assert hidden.severity == "warning"


def test_pdf_with_password_is_not_checked():
    writer = PdfWriter(clone_from=io.BytesIO(pdf_from_html(f"<p>{MOBILE}</p>")))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    [f] = check_attachment("加密.pdf", out.getvalue())
    assert (f.kind, f.code, f.severity, f.location) == (
        "not_checked",
        "encrypted",
        "blocking",
        "attachment:加密.pdf",
    )
    assert "加密.pdf" in str(f.message)


def test_pdf_with_owner_password_only_is_read():
    writer = PdfWriter(clone_from=io.BytesIO(pdf_from_html(f"<p>电话{MOBILE}</p>")))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    assert summary(check_attachment("b.pdf", out.getvalue())) == [
        ("attachment:b.pdf:page:1", "personal_data", "mobile")
    ]


def test_scanned_pdf_without_text_layer_is_not_checked():
    png = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(png, "PNG")
    import base64

    src = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
    pdf = pdf_from_html(f"<img src='{src}' style='width:400px'>")
    extracted = extract(pdf, "scan.pdf")
    assert (extracted.error, extracted.detail) == ("no_text_layer", "1")
    assert summary(check_attachment("scan.pdf", pdf)) == [
        ("attachment:scan.pdf", "not_checked", "no_text_layer")
    ]


def test_pdf_with_embedded_file_is_not_checked_completely():
    pdf = pdf_from_html(
        "<p>正文。</p>", attachments=[weasyprint.Attachment(string="x", base_url=".")]
    )
    assert [f.code for f in check_attachment("c.pdf", pdf)] == ["embedded_files"]


# --- DOCX --------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/header1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>
<Override PartName="/word/comments.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>
<Override PartName="/docProps/core.xml"
 ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="word/document.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
<Relationship Id="rId2" Target="docProps/core.xml"
 Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"/>
</Relationships>"""
DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="header1.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"/>
<Relationship Id="rId2" Target="comments.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"/>
</Relationships>"""


def para(*runs: str) -> str:
    return "<w:p>" + "".join(runs) + "</w:p>"


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def make_docx(
    body: str, header: str = "", comments: str = "", creator: str = "张三", **extra: bytes
) -> bytes:
    def part(root: str, inner: str) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:{root} xmlns:w="{W_NS}">{inner}</w:{root}>'
        )

    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:creator>{creator}</dc:creator><cp:lastModifiedBy>王五</cp:lastModifiedBy>"
        "<cp:keywords>公开</cp:keywords></cp:coreProperties>"
    )
    sect = '<w:sectPr><w:headerReference w:type="default" r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></w:sectPr>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("word/_rels/document.xml.rels", DOC_RELS)
        zf.writestr("word/document.xml", part("document", f"<w:body>{body}{sect}</w:body>"))
        zf.writestr("word/header1.xml", part("hdr", header or para(run(""))))
        zf.writestr("word/comments.xml", part("comments", comments))
        zf.writestr("docProps/core.xml", core)
        for name, data in extra.items():
            zf.writestr(name.replace("__", "/"), data)
    return buf.getvalue()


def test_docx_body_header_comments_tracked_changes_and_properties():
    body = (
        para(run("关于某事项的情况说明"))
        + para(run("依法不予公开的信息包括属于国家秘密的信息。"))
        + para(
            run("经办人电话"),
            f'<w:del w:id="1" w:author="李四"><w:r><w:delText>{MOBILE}</w:delText></w:r></w:del>',
            '<w:ins w:id="2" w:author="李四"><w:r><w:t>略</w:t></w:r></w:ins>',
            run("。"),
        )
    )
    header = para(run("内部资料 注意保存"))
    comments = (
        f'<w:comment w:id="0" w:author="赵六">{para(run("此段涉及绝密内容，请删除"))}</w:comment>'
        f'<w:comment w:id="1" w:author="赵六">{para(run(f"身份证{ID_VALID}"))}</w:comment>'
    )
    data = make_docx(body, header, comments, creator="机密")
    extracted = extract(io.BytesIO(data), "说明.docx")
    assert extracted.error is None
    assert dict(extracted.text_parts)[""].split("\n")[-1] == "经办人电话略。"  # deletion left out
    assert extracted.metadata["tracked_deletion:1"] == MOBILE
    assert extracted.metadata["revision_authors"] == "李四"
    assert extracted.metadata["last_modified_by"] == "王五"

    findings = check_attachment("说明.docx", data)
    assert summary(findings) == [
        ("attachment:说明.docx", "secrecy", "hidden_content"),
        ("attachment:说明.docx:header", "secrecy", "marking"),
        ("attachment:说明.docx:metadata:author", "secrecy", "marking"),
        ("attachment:说明.docx:metadata:comment:2", "personal_data", "id_card"),
        ("attachment:说明.docx:metadata:tracked_deletion:1", "personal_data", "mobile"),
    ]


def test_clean_docx_has_no_findings():
    data = make_docx(para(run("2024年政府信息公开工作要点")), para(run("县人民政府办公室")))
    assert check_attachment("clean.docx", data) == []


def test_docx_with_a_dtd_is_refused_not_expanded():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    data = make_docx(para(run("x")))
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, bomb if item.filename == "word/document.xml" else src.read(item))
    [f] = check_attachment("bomb.docx", buf.getvalue())
    assert (f.kind, f.code) == ("not_checked", "corrupt")


def test_zip_bomb_and_size_limits():
    data = make_docx(para(run("正文")), word__media__zeros=b"\0" * (3 * 1024 * 1024))
    assert extract(data, "big.docx").error == "too_large"  # 3 MB of zeros compress > 200:1
    small = make_docx(para(run("正文")))
    assert extract(small, "a.docx", Limits(unzipped_bytes=500)).error == "too_large"
    assert extract(small, "a.docx", Limits(file_bytes=100)).error == "too_large"
    assert extract(small, "a.docx", Limits(text_chars=1)).error == "too_large"


# --- XLSX --------------------------------------------------------------------------------


def make_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "申请情况"
    ws.append(["序号", "申请人", "处理结果"])
    ws.append([1, "王某", "属于国家秘密，不予公开"])
    ws.append([2, "李某", "已公开"])
    ws["B3"].comment = Comment(f"联系电话 {MOBILE}", "审核人")
    ws["D9"] = "秘密"  # a marking alone in a cell, far from the top
    ws.oddHeader.center.text = "内部使用"
    wb.properties.creator = "县政务服务中心"
    wb.properties.keywords = "绝密"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_cells_comments_header_and_properties():
    findings = check_attachment("统计.xlsx", io.BytesIO(make_xlsx()))
    assert summary(findings) == [
        ("attachment:统计.xlsx", "secrecy", "hidden_content"),
        ("attachment:统计.xlsx:metadata:comment:申请情况!B3", "personal_data", "mobile"),
        ("attachment:统计.xlsx:metadata:keywords", "secrecy", "marking"),
        ("attachment:统计.xlsx:sheet:申请情况", "secrecy", "marking"),
        ("attachment:统计.xlsx:sheet:申请情况:header", "secrecy", "marking"),
    ]
    cell = [f for f in findings if f.location == "attachment:统计.xlsx:sheet:申请情况"][0]
    assert cell.matched == "秘密"


# --- files that cannot be read -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntruncated", "corrupt"),
        ("renamed.pdf", b"PK\x03\x04 not a pdf at all", "corrupt"),
        ("broken.docx", b"PK\x03\x04\x14\x00garbage", "corrupt"),
        ("broken.xlsx", b"\x00\x01\x02 random bytes", "corrupt"),
        ("empty.docx", b"", "corrupt"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "unsupported_type"),
        ("公文.ofd", b"PK\x03\x04", "unsupported_type"),
        ("noext", b"hello", "unsupported_type"),
    ],
)
def test_unreadable_files_fail_closed(name, data, code):
    findings = check_attachment(name, io.BytesIO(data))
    assert [(f.kind, f.code, f.severity, f.location) for f in findings] == [
        ("not_checked", code, "blocking", f"attachment:{name}")
    ]
    assert name in str(findings[0].message)


def test_docx_without_document_part_is_corrupt():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "not a docx")
    assert extract(buf.getvalue(), "x.docx").error == "corrupt"


def test_plain_text_in_gb18030():
    data = f"联系电话{MOBILE}".encode("gb18030")
    assert [f.code for f in check_attachment("名单.txt", data)] == ["mobile"]


def test_run_checks_with_attachments():
    findings = run_checks(
        "关于公布2024年第一批项目的通知",
        {"body": "详见附件。"},
        [("名单.xlsx", io.BytesIO(make_xlsx())), ("坏.pdf", io.BytesIO(b"%PDF-broken"))],
    )
    assert ("attachment:坏.pdf", "not_checked", "corrupt") in summary(findings)
    assert sum(f.blocking for f in findings) == 5
