"""Uploads are checked from their content, named safely and stored once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.services.evidence import EvidenceRejected, safe_name, store_evidence
from tests.assessment.quarter_world import *  # noqa: F403
from tests.assessment.quarter_world import (
    DOCX_MAIN,
    EXE_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    item_url,
    office_zip,
    pdf,
)


def _store(world, period, user, name, content):
    return store_evidence(
        SimpleUploadedFile(name, content),
        by=user,
        unit=world["unit_a"],
        branch=world["a1"],
        period=period,
    )


def test_pdf_is_stored_under_a_random_name_keeping_the_original(world, secretary, period):
    evidence = _store(world, period, secretary, "三会一课记录.pdf", PDF_BYTES)
    assert evidence.original_name == "三会一课记录.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(PDF_BYTES)
    assert "三会一课" not in evidence.file.name
    assert evidence.file.name.startswith("evidence/") and evidence.file.name.endswith(".pdf")


def test_image_is_accepted_from_its_bytes(world, secretary, period):
    assert _store(world, period, secretary, "现场照片", PNG_BYTES).content_type == "image/png"


def test_exe_renamed_to_pdf_is_refused(world, secretary, period):
    with pytest.raises(EvidenceRejected, match="“工作总结.pdf”不是可接受的文件"):
        _store(world, period, secretary, "工作总结.pdf", EXE_BYTES)


def test_exe_renamed_to_pdf_is_refused_next_to_the_file_field(
    client, world, secretary, period, items
):
    client.force_login(secretary)
    response = client.post(
        item_url(period, world["a1"], items["graded"]),
        {"narrative": "见附件", "version": "0", "files": [SimpleUploadedFile("a.pdf", EXE_BYTES)]},
    )
    assert response.status_code == 200
    assert "不是可接受的文件" in response.context["form"].errors["files"][0]


def test_empty_files_are_named_next_to_the_file_field_and_the_text_kept(
    client, world, secretary, period, items
):
    client.force_login(secretary)
    response = client.post(
        item_url(period, world["a1"], items["graded"]),
        {
            "narrative": "见附件",
            "version": "0",
            "files": [SimpleUploadedFile("空白.pdf", b""), SimpleUploadedFile("empty.pdf", b"")],
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["files"] == ["“空白.pdf”是空文件。", "“empty.pdf”是空文件。"]
    assert form["narrative"].value() == "见附件"


def test_docx_is_recognised_from_its_content_types(world, secretary, period):
    evidence = _store(world, period, secretary, "总结.docx", office_zip(DOCX_MAIN))
    assert evidence.content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def test_plain_zip_renamed_to_docx_is_refused(world, secretary, period):
    with pytest.raises(EvidenceRejected):
        _store(world, period, secretary, "总结.docx", office_zip("application/xml"))


def test_zip_bomb_is_refused(world, secretary, period):
    bomb = office_zip(DOCX_MAIN, extra={"word/media/pad.bin": b"\0" * (5 * 1024 * 1024)})
    with pytest.raises(EvidenceRejected, match="疑似压缩炸弹"):
        _store(world, period, secretary, "总结.docx", bomb)


def test_legacy_word_file_is_accepted_by_its_ole2_signature(world, secretary, period):
    content = bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504
    assert (
        _store(world, period, secretary, "旧版.doc", content).content_type == "application/msword"
    )


def test_file_above_the_configured_size_is_refused(world, secretary, period, settings):
    settings.EVIDENCE_MAX_BYTES = 20
    with pytest.raises(EvidenceRejected, match="超过了 20\xa0字节 的上限"):
        _store(world, period, secretary, "大文件.pdf", PDF_BYTES)


def test_the_same_file_uploaded_twice_is_kept_once(world, secretary, period):
    first = _store(world, period, secretary, "记录.pdf", PDF_BYTES)
    second = _store(world, period, secretary, "记录（副本）.pdf", PDF_BYTES)
    assert first.pk == second.pk


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\王\\桌面\\学习记录.pdf", "学习记录.pdf"),
        ('会议"记录"<1>.pdf', "会议_记录_1_.pdf"),
        ("  ", "附件"),
        ("党" * 300 + ".pdf", "党" * 196 + ".pdf"),
    ],
)
def test_names_are_made_safe_and_keep_chinese(raw, safe):
    assert safe_name(raw) == safe


def test_evidence_zip_is_not_a_real_zip_when_truncated(world, secretary, period):
    with pytest.raises(EvidenceRejected):
        _store(world, period, secretary, "坏.docx", b"PK\x03\x04" + b"\0" * 40)


def test_upload_endpoint_links_dropped_files(client, world, secretary, period, items):
    client.force_login(secretary)
    response = client.post(
        item_url(period, world["a1"], items["with_file"], "upload/"),
        {"version": "0", "files": [pdf("学习笔记.pdf")]},
    )
    data = response.json()
    assert response.status_code == 200
    assert [f["name"] for f in data["files"]] == ["学习笔记.pdf"]
    assert data["version"] == 2


def test_upload_endpoint_reports_refused_files(client, world, secretary, period, items):
    client.force_login(secretary)
    response = client.post(
        item_url(period, world["a1"], items["with_file"], "upload/"),
        {"version": "0", "files": [SimpleUploadedFile("x.pdf", EXE_BYTES)]},
    )
    assert response.status_code == 400
    assert "不是可接受的文件" in response.json()["problems"][0]
