"""Which topic colours the reader can draw, checked without importing a UI library.

The reader accepts what Textual's Color.parse accepts: the CSS colour names, the 16
terminal colours as `ansi_*`, hex (#rgb, #rgba, #rrggbb, #rrggbbaa) and rgb()/rgba()/
hsl()/hsla(). tests/test_config.py checks this list against Textual's.
"""

from __future__ import annotations

import re

from .text import nearest

_CSS = """
aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue
blueviolet brown burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk
crimson cyan darkblue darkcyan darkgoldenrod darkgray darkgreen darkgrey darkkhaki
darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen
darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue
dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite
gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki
lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan
lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen
lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime limegreen linen
magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen
mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream
mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid
palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum
powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown
seagreen seashell sienna silver skyblue slateblue slategray slategrey snow springgreen
steelblue tan teal thistle tomato transparent turquoise violet wheat white whitesmoke
yellow yellowgreen
"""
_ANSI = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

NAMES = frozenset(_CSS.split() + [f"ansi_{c}" for c in _ANSI] + [f"ansi_bright_{c}" for c in _ANSI])

_NUM = r"\s*-?\d+(?:\.\d+)?%?\s*"
_FORMS = re.compile(
    r"#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})"
    rf"|rgb\({_NUM},{_NUM},{_NUM}\)|rgba\({_NUM},{_NUM},{_NUM},{_NUM}\)"
    rf"|hsl\({_NUM},{_NUM},{_NUM}\)|hsla\({_NUM},{_NUM},{_NUM},{_NUM}\)",
    re.IGNORECASE,
)


def is_colour(text: str) -> bool:
    text = text.strip()
    return text.lower() in NAMES or bool(_FORMS.fullmatch(text))


def colour_problem(text: str) -> str | None:
    """Why `text` is not a colour the reader can draw, or None when it is one."""
    if is_colour(text):
        return None
    near = nearest(text.strip().lower().replace(" ", ""), NAMES)
    hint = f"; did you mean '{near}'?" if near else ""
    return f"'{text}' is not a colour (a name such as 'teal', or #rrggbb){hint}"
