"""Reads a .pptx as PowerPoint's users' tools do (python-pptx and the zip itself) and prints,
as JSON, each slide's layout, the text of each shape, its notes, and every structural problem
found: a part missing from [Content_Types].xml, a relationship whose target is absent, a shape
id used twice on a slide, XML that does not parse.

    python3 tests/pptx_read.py DECK.pptx [--edit SLIDE TEXT OUT.pptx]

With --edit, the first text shape of slide SLIDE (1-based) gets TEXT and the deck is saved as
OUT.pptx, as someone editing the deck in PowerPoint would.
"""
import json
import posixpath
import sys
import zipfile
from xml.etree import ElementTree as ET

from pptx import Presentation
from pptx.shapes.picture import Picture

CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def problems(path):
    out = []
    z = zipfile.ZipFile(path)
    names = set(z.namelist())
    types = ET.fromstring(z.read("[Content_Types].xml"))
    defaults = {d.get("Extension") for d in types.iter(CT + "Default")}
    overrides = {o.get("PartName").lstrip("/") for o in types.iter(CT + "Override")}
    for o in overrides - names:
        out.append(f"content type for a missing part: {o}")
    for name in names:
        if name.endswith("/"):
            continue
        if name not in overrides and name.rsplit(".", 1)[-1] not in defaults:
            out.append(f"no content type: {name}")
        if name.endswith(".xml") or name.endswith(".rels"):
            try:
                ET.fromstring(z.read(name))
            except ET.ParseError as e:
                out.append(f"{name}: XML does not parse: {e}")
                continue
        if name.endswith(".rels"):
            folder = posixpath.dirname(posixpath.dirname(name))
            ids = set()
            for r in ET.fromstring(z.read(name)).iter(RELS + "Relationship"):
                if r.get("Id") in ids:
                    out.append(f"{name}: relationship id {r.get('Id')} twice")
                ids.add(r.get("Id"))
                if r.get("TargetMode") == "External":
                    continue
                target = posixpath.normpath(posixpath.join(folder, r.get("Target")))
                if target not in names:
                    out.append(f"{name}: {r.get('Id')} points at missing {target}")
    return out


def main():
    path = sys.argv[1]
    deck = Presentation(path)
    if "--edit" in sys.argv:
        i = sys.argv.index("--edit")
        number, text, out = int(sys.argv[i + 1]), sys.argv[i + 2], sys.argv[i + 3]
        slide = deck.slides[number - 1]
        shape = next(s for s in slide.shapes if s.has_text_frame and s.text_frame.text)
        shape.text_frame.text = text
        deck.save(out)
        return
    slides = []
    found = problems(path)
    for n, slide in enumerate(deck.slides, 1):
        ids = [s.shape_id for s in slide.shapes]
        if len(ids) != len(set(ids)):
            found.append(f"slide {n}: a shape id used twice")
        slides.append({
            "layout": slide.slide_layout.name,
            "shapes": [s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text],
            "placeholders": [str(s.placeholder_format.type) for s in slide.placeholders],
            "pictures": sum(1 for s in slide.shapes if isinstance(s, Picture)),
            "notes": slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else "",
        })
    print(json.dumps({
        "width": deck.slide_width,
        "height": deck.slide_height,
        "layouts": [l.name for l in deck.slide_layouts],
        "title": deck.core_properties.title,
        "author": deck.core_properties.author,
        "slides": slides,
        "problems": found,
    }, ensure_ascii=False))


main()
