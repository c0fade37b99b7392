"""The CJK font shipped with the project for everything it prints (PDFs, SVG charts inside
them, PNG posters), so that Chinese renders on a machine with no system CJK font.

The files in static/fonts/ are a subset of Noto Sans CJK SC (SIL OFL 1.1, licence beside
them) built by tools/subset_cjk_font.py: GB 2312 plus every character of the project's own
text, at 400 and 700. WeasyPrint loads them through ``@font-face`` (``font_face_css``);
characters outside the subset fall through the stack to system fonts. A system check
(``units.W001``) warns when the files cannot be loaded.
"""

from functools import lru_cache
from pathlib import Path

from django.conf import settings

FAMILY = "Noto Sans SC Subset"
FACES = {400: "NotoSansSCSubset-Regular.otf", 700: "NotoSansSCSubset-Bold.otf"}
# The shipped family first; system fonts only for characters outside the subset.
FONT_STACK = (
    f'"{FAMILY}", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Source Han Sans SC", sans-serif'
)
# A few characters every PDF prints: a font that lacks them is not the one we built.
PROBE = "考核得分报告第页共"


def font_dir() -> Path:
    return Path(settings.BASE_DIR) / "static" / "fonts"


def font_path(weight: int = 400) -> Path:
    return font_dir() / FACES[weight]


def font_face_css() -> str:
    """@font-face rules for WeasyPrint, by absolute file URL (no base URL needed)."""
    return "\n".join(
        f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; font-style: normal; '
        f'src: url("{font_path(weight).as_uri()}") format("opentype"); }}'
        for weight in FACES
    )


def font_problems() -> list[str]:
    """What keeps a shipped face from being used: a missing or unreadable file, or one
    without the Chinese it must have. Empty when all is well."""
    from fontTools.ttLib import TTFont, TTLibError  # WeasyPrint's own dependency

    problems = []
    for weight in FACES:
        path = font_path(weight)
        try:
            with TTFont(path, lazy=True) as font:
                cmap = font.getBestCmap() or {}
        except (OSError, TTLibError) as exc:
            problems.append(f"{path}: {exc}")
            continue
        missing = [c for c in PROBE if ord(c) not in cmap]
        if missing:
            problems.append(f"{path}: {''.join(missing)}")
    return problems


@lru_cache(maxsize=4)
def pillow_font_path(weight: int = 400) -> str | None:
    """The shipped face for Pillow (PNG posters), or None when it cannot be read."""
    path = font_path(weight)
    return str(path) if path.is_file() else None
