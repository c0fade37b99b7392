"""Build the PDF font shipped in static/fonts/ from Noto Sans CJK (SIL OFL 1.1).

The source is the variable Noto Sans CJK collection that the PyPI package
``manimgx-fonts-cjk`` ships unmodified (33 MB, every CJK language). PDFs need only
Simplified Chinese at two weights, so this keeps the SC face, fixes it at 400 and 700,
converts CFF2 to plain CFF (PDF readers embed CFF; CFF2 is not in the PDF spec most of
them follow) and keeps the characters of GB 2312, the ones the project's own text uses,
ASCII/Latin-1 and the punctuation around them. The result is renamed "Noto Sans SC Subset"
(the OFL asks a modified font not to pass for the original; it also lets a test tell the
shipped font from a system one in a PDF).

    pip download --no-deps -d /tmp/f manimgx-fonts-cjk && unzip -o /tmp/f/*.whl -d /tmp/f
    python tools/subset_cjk_font.py /tmp/f/manimgx_fonts_cjk/NotoSansCJK-VF.otf.ttc

Characters outside the subset fall through the font stack to system fonts (docs/reports.md).
"""

import argparse
import re
from collections import Counter
from pathlib import Path

from fontTools import subset
from fontTools.cffLib.CFF2ToCFF import convertCFF2ToCFF
from fontTools.ttLib import TTCollection
from fontTools.varLib import instancer

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "fonts"
FAMILY = "Noto Sans SC Subset"
WEIGHTS = {400: "Regular", 700: "Bold"}
# Text the project itself prints: templates, code, catalogues, demo data, the seeds' names.
SOURCES = ("templates", "units", "assessment", "feedback", "reports", "demo", "locale", "config")
SUFFIXES = {".html", ".py", ".po", ".txt", ".md", ".json", ".csv"}
CJK = re.compile(r"[^\x00-\x7f]")


def gb2312() -> set[str]:
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def project_text() -> set[str]:
    chars = set()
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in SUFFIXES and path.is_file():
                chars.update(CJK.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return chars


def unicodes() -> list[int]:
    chars = gb2312() | project_text()
    points = {ord(c) for c in chars}
    points |= set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    points |= set(range(0x2000, 0x2070))  # general punctuation: — ‘’ “” … ‰ †
    points |= set(range(0x3000, 0x3040))  # CJK symbols: 、。「」《》【】〔〕
    points |= set(range(0xFF00, 0xFFF0))  # full-width forms: ，：；（）！？
    points |= {0x00B7, 0x2103, 0x2116, 0x2160, 0x2161, 0x2162, 0x2163, 0x2190, 0x2192, 0x2191}
    points |= {0x2193, 0x2212, 0x2264, 0x2265, 0x25A0, 0x25A1, 0x25B2, 0x25BC, 0x25CB, 0x25CF}
    points |= {0x2605, 0x2606, 0x2713, 0x2714, 0x2715, 0x2717}
    return sorted(points)


def rename(font, weight_name: str) -> None:
    names = font["name"]
    postscript = FAMILY.replace(" ", "") + "-" + weight_name
    for record in list(names.names):
        if record.nameID in (16, 17, 21, 22, 25):
            names.removeNames(nameID=record.nameID)
    for platform in ((3, 1, 0x409), (1, 0, 0)):
        names.setName(FAMILY, 1, *platform)
        names.setName(weight_name, 2, *platform)
        names.setName(f"{FAMILY} {weight_name}", 4, *platform)
        names.setName(postscript, 6, *platform)
        names.setName(f"{postscript};subset of Noto Sans CJK SC", 3, *platform)
    cff = font["CFF "].cff
    cff.fontNames = [postscript]
    top = cff.topDictIndex[0]
    top.FullName = f"{FAMILY} {weight_name}"
    top.FamilyName = FAMILY
    top.Weight = weight_name


def single_font_dict(font) -> None:
    """Give every glyph the CJK font dict, so the CFF is name-keyed, not CID-keyed.

    fontTools names the glyphs of a CID-keyed CFF "cid00001"… while the other tables keep
    their names, and the font no longer saves. The dicts differ only in hinting zones.
    """
    top = font["CFF2"].cff.topDictIndex[0]
    counts = Counter(top.FDSelect.gidArray)
    font_dict = top.FDArray[counts.most_common(1)[0][0]]
    top.FDArray.items = [font_dict]
    top.FDSelect.gidArray = [0] * len(top.FDSelect.gidArray)
    for name in top.CharStrings.keys():
        top.CharStrings[name].private = font_dict.Private


def build(collection: Path) -> None:
    wanted = unicodes()
    OUT.mkdir(parents=True, exist_ok=True)
    for weight, weight_name in WEIGHTS.items():
        fonts = TTCollection(str(collection)).fonts
        font = next(f for f in fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
        options = subset.Options()
        options.layout_features = ["kern", "liga", "locl", "palt", "halt", "vert", "ccmp"]
        options.drop_tables += ["DSIG", "STAT", "BASE", "VORG", "vhea", "vmtx"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        # Local subroutines belong to one font dict each; without them the dicts can merge.
        options.desubroutinize = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=wanted)
        subsetter.subset(font)
        font = instancer.instantiateVariableFont(font, {"wght": weight})
        single_font_dict(font)
        convertCFF2ToCFF(font)
        font["OS/2"].usWeightClass = weight
        font["OS/2"].fsSelection = 0x20 if weight == 700 else 0x40
        font["head"].macStyle = 1 if weight == 700 else 0
        rename(font, weight_name)
        target = OUT / f"NotoSansSCSubset-{weight_name}.otf"
        font.save(str(target))
        size = target.stat().st_size
        print(f"{target.relative_to(ROOT)}: {len(wanted)} code points, {size:,} bytes")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("collection", type=Path, help="NotoSansCJK-VF.otf.ttc")
    build(parser.parse_args().collection)
