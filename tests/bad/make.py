#!/usr/bin/env python3
"""Regenerates the broken projects of tests/bad/ (and the good edge cases of tests/edge/).

Each case is a small project folder with an `expect` file: one substring per line that the
error output must contain. Run from the repository root: python3 tests/bad/make.py
"""
import io, os, shutil, struct, zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent
EDGE = ROOT.parent / "edge"
PHOTO = ROOT.parent.parent / "photos" / "Picture_0B_by_freespace.jpg"

DOC = """title: 测试手册
organisation: 测试单位
year: 2020
"""
SECTION = """title: 第一部分
paragraphs:
  - lead: 引语。
    text: 这是一段正文。
"""


def small_jpeg():
    from PIL import Image
    im = Image.open(PHOTO)
    im.thumbnail((64, 64))
    b = io.BytesIO()
    im.save(b, "JPEG", quality=80)
    return b.getvalue()


def png(width, height, rows):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\x00" * width for _ in range(rows))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def case(name, expect, doc=DOC, sections=None, photos=None, captions=None, base=ROOT):
    d = base / name
    shutil.rmtree(d, ignore_errors=True)
    (d / "content").mkdir(parents=True)
    (d / "photos").mkdir()
    if doc is not None:
        (d / "content" / "document.yaml").write_bytes(doc.encode() if isinstance(doc, str) else doc)
    for fname, text in (sections if sections is not None else {"01-first.yaml": SECTION}).items():
        (d / "content" / fname).write_bytes(text.encode() if isinstance(text, str) else text)
    for fname, data in (photos or {}).items():
        p = d / "photos" / fname
        if isinstance(data, tuple) and data[0] == "symlink":
            os.symlink(data[1], p)
        else:
            p.write_bytes(data)
    if captions is not None:
        (d / "photos" / "captions.yaml").write_text(captions)
    if expect is not None:
        (d / "expect").write_text("\n".join(expect) + "\n")


def with_photo(name, expect, data, fname="photo.jpg"):
    case(name, expect,
         sections={"01-first.yaml": SECTION + f"    photos: [{fname}]\n"},
         photos={fname: data},
         captions=f"{fname}:\n  caption: 图注\n")


jpeg = small_jpeg()
case("yaml-syntax", ["content/document.yaml:1:8", "unclosed quote"], doc='title: "测试手册\norganisation: 测试单位\nyear: 2020\n')
case("tab-indentation", ["content/01-first.yaml:", "tab"], sections={"01-first.yaml": "title: 第一部分\nparagraphs:\n\t- text: 正文。\n"})
case("wrong-type-year", ["content/document.yaml:3", "year"], doc="title: 测试手册\norganisation: 测试单位\nyear: 二〇二〇\n")
case("unknown-key", ["content/document.yaml:1", "titel", "did you mean `title`"], doc="titel: 测试手册\norganisation: 测试单位\nyear: 2020\n")
case("missing-title", ["content/document.yaml", "missing field `title`"], doc="organisation: 测试单位\nyear: 2020\n")
case("missing-document", ["content/document.yaml is missing"], doc=None)
case("unknown-key-in-section", ["content/01-first.yaml:2", "did you mean `paragraphs`"], sections={"01-first.yaml": "title: 第一部分\nparagraph:\n  - text: 正文。\n"})
case("missing-paragraph-text", ["content/01-first.yaml:3", "missing field `text`"], sections={"01-first.yaml": "title: 第一部分\nparagraphs:\n  - lead: 只有引语。\n"})
case("wrong-type-paragraphs", ["content/01-first.yaml:2", "expected sequence", "list"], sections={"01-first.yaml": "title: 第一部分\nparagraphs: 这是一段正文。\n"})
case("duplicate-key", ["content/document.yaml:4", "the key `title` appears twice"], doc=DOC + "title: 又一个标题\n")
case("duplicate-ids", ["content/02-second.yaml:1", "duplicate section id `same`"],
     sections={"01-first.yaml": "id: same\n" + SECTION, "02-second.yaml": "id: same\n" + SECTION})
case("empty-document", ["no paragraphs"], sections={})
case("empty-section-file", ["content/02-second.yaml holds no section", "delete the file"], sections={"01-first.yaml": SECTION, "02-second.yaml": ""})
case("comment-only-section-file", ["content/02-second.yaml holds no section"], sections={"01-first.yaml": SECTION, "02-second.yaml": "# 第二部分：待写\n"})
case("empty-title", ["content/document.yaml:1", "title is empty"], doc='title: ""\norganisation: 测试单位\nyear: 2020\n')
case("control-character", ["content/01-first.yaml:4", "control character U+0007"], sections={"01-first.yaml": "title: 第一部分\nparagraphs:\n  - lead: 引语。\n    text: \"正文\\a。\"\n"})
case("invalid-utf8", ["content/01-first.yaml", "not valid UTF-8", "line 4"], sections={"01-first.yaml": SECTION.encode("utf-8").replace("正文".encode(), "正文".encode("gbk"))})
case("uncovered-character", ["content/01-first.yaml:4", "U+20000", "Noto"], sections={"01-first.yaml": SECTION.replace("这是", "这是\U00020000")})
case("emoji", ["content/01-first.yaml:4", "U+1F600"], sections={"01-first.yaml": SECTION.replace("这是", "这是😀")})
case("bad-trim", ["content/document.yaml:5", "trim size `b4`"], doc=DOC + "settings:\n  trim: b4\n")
case("bad-bleed", ["content/document.yaml:5", "bleed_mm is 50"], doc=DOC + "settings:\n  bleed_mm: 50\n")
case("bad-colour", ["content/document.yaml:6", "CMYK"], doc=DOC + "settings:\n  colors:\n    primary: [1, 2, 3]\n")
case("unknown-theme", ["content/document.yaml:5", "unknown theme `fancy`"], doc=DOC + "settings:\n  theme: fancy\n")
case("missing-font", ["font family `No Such Font` is not installed"], doc=DOC + "settings:\n  fonts:\n    body: No Such Font\n")
case("missing-photo", ["content/01-first.yaml:5", "photo `nope.jpg` not found"], sections={"01-first.yaml": SECTION + "    photos: [nope.jpg]\n"})
case("photo-escape", ["content/01-first.yaml:5", "leaves the project"], sections={"01-first.yaml": SECTION + "    photos: [../secret.jpg]\n"})
case("photo-absolute", ["content/01-first.yaml:5", "leaves the project"], sections={"01-first.yaml": SECTION + "    photos: [/etc/hostname]\n"})
case("photo-symlink-escape", ["content/01-first.yaml:5", "outside the project"],
     sections={"01-first.yaml": SECTION + "    photos: [link.jpg]\n"}, photos={"link.jpg": ("symlink", "/etc/hostname")})
with_photo("truncated-jpeg", ["content/01-first.yaml:5", "damaged"], jpeg[: len(jpeg) // 2])
with_photo("text-named-jpg", ["content/01-first.yaml:5", "not an image"], "这不是照片\n".encode())
with_photo("zero-byte-image", ["content/01-first.yaml:5", "empty file"], b"")
with_photo("decompression-bomb", ["content/01-first.yaml:5", "decompression bomb"], png(100000, 100000, 8), "bomb.png")
with_photo("absurd-dimensions", ["content/01-first.yaml:5", "1 × 40000"], png(1, 40000, 40000), "tall.png")
case("bad-focus", ["photos/captions.yaml:3", "focus"], sections={"01-first.yaml": SECTION + "    photos: [photo.jpg]\n"},
     photos={"photo.jpg": jpeg}, captions="photo.jpg:\n  caption: 图注\n  focus: [2, 0.5]\n")
case("caption-unknown-key", ["photos/captions.yaml:2", "did you mean `caption`"], sections={"01-first.yaml": SECTION + "    photos: [photo.jpg]\n"},
     photos={"photo.jpg": jpeg}, captions="photo.jpg:\n  captoin: 图注\n")

# Values and settings a person gets wrong, answered in their words (issue 10).
case("language-unsupported", ["content/document.yaml:4", "language `zh-Hant`", "write one of: zh"], doc=DOC + "language: zh-Hant\n")
case("region-unknown", ["content/document.yaml:5", "region `xx`", "cn, sg"], doc=DOC + "language: zh\nregion: xx\n")
case("hash-value", ["content/document.yaml:4", "`subtitle` has no value", "starts with #, which YAML reads as a comment", "put the text in quotes"], doc=DOC + "subtitle: #1 的年度报告\n")
case("slide-wrong-form", ["content/01-first.yaml:6", "`slide:` takes one text, or a list of texts"],
     sections={"01-first.yaml": SECTION + "    slide:\n      a: b\n"})
case("control-character-notes", ["content/01-first.yaml:5", "notes contain the invisible control character U+0007"],
     sections={"01-first.yaml": SECTION + "    notes: \"讲稿\\a\"\n"})
case("closing-photos", ["content/document.yaml:7", "unknown field `photos`"], doc=DOC + "closing:\n  paragraphs:\n    - text: 结语。\n  photos: [a.jpg]\n")
with_photo("heic-photo", ["content/01-first.yaml:5", "HEIC", "convert it to JPEG"],
           b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64, "IMG_0001.heic")
with_photo("avif-photo", ["content/01-first.yaml:5", "AVIF", "convert it to JPEG"],
           b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 64, "photo.avif")

# Edge cases that must build: a BOM and Windows line ends.
case("bom", None, doc="\ufeff" + DOC, sections={"01-first.yaml": "\ufeff" + SECTION}, base=EDGE)
case("crlf", None, doc=DOC.replace("\n", "\r\n"), sections={"01-first.yaml": SECTION.replace("\n", "\r\n")},
     captions="photo.jpg:\r\n  caption: 图注\r\n", photos={"photo.jpg": jpeg}, base=EDGE)
(EDGE / "crlf" / "content" / "01-first.yaml").write_bytes((SECTION + "    photos: [photo.jpg]\n").replace("\n", "\r\n").encode())
print("cases:", len([p for p in ROOT.iterdir() if p.is_dir()]))
