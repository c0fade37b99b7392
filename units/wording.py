"""Small rules of written Chinese shared by every message."""

INNER = str.maketrans({"“": "‘", "”": "’"})


def quoted(text) -> str:
    """``text`` for use inside “…”: its own double quotes become single ones, as Chinese
    nests quotations (“已通过‘第一议题’制度落实”), instead of “已通过““第一议题”制度落实””."""
    return str(text).translate(INNER)
