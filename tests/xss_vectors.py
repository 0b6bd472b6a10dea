"""Markup-injection vectors (the kinds of the OWASP XSS filter evasion cheat sheet) and a checker.

:data:`VECTORS` are strings a customer, an export or a params file could carry; :func:`live_markup`
parses a page as a browser would (html5lib-like html.parser) and lists everything active in it:
a tag outside the allowlist, an event-handler or style attribute, a link or source that is not a
data image / http(s) / mailto / fragment, CSS that loads something. Escaped text (``&lt;script``)
is not live.
"""

from __future__ import annotations

import re

VECTORS: tuple[str, ...] = (
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099">',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    '<SCRIPT/XSS SRC="http://xss.example/xss.js"></SCRIPT>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<SCRIPT SRC=//xss.example/.j>",
    "<IMG SRC=\"`<javascript:alert>`('XSS')\"",
    "<iframe src=http://xss.example/scriptlet.html <",
    '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<IMG DYNSRC=\"javascript:alert('XSS')\">",
    "<IMG LOWSRC=\"javascript:alert('XSS')\">",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<svg/onload=alert('XSS')>",
    "<BODY ONLOAD=alert('XSS')>",
    "<BGSOUND SRC=\"javascript:alert('XSS');\">",
    '<LINK REL="stylesheet" HREF="http://xss.example/xss.css">',
    "<STYLE>@import'http://xss.example/xss.css';</STYLE>",
    "<STYLE>@import url(http://xss.example/a.css);</STYLE>",
    '<META HTTP-EQUIV="Link" Content="<http://xss.example/xss.css>; REL=stylesheet">',
    '<STYLE>BODY{-moz-binding:url("http://xss.example/xssmoz.xml#xss")}</STYLE>',
    "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
    '<div style="background:u\\72 l(http://xss.example/a.png)">css escape</div>',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<TABLE><TD BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.example/scriptlet.html"></OBJECT>',
    '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv" AllowScriptAccess="always"></EMBED>',
    '<a href="java\tscript:alert(1)">tab in scheme</a>',
    '<a href="&#x6A;avascript:alert(1)">entity scheme</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>',
    '<img srcset="http://tracker.example/p.gif 1x">',
    '<a ping="http://tracker.example/p" href="https://ok.example">ping</a>',
    '<img src="https://tracker.example/pixel.gif">',
    '<form action="http://evil.example"><input name=q><button formaction="javascript:alert(1)">go</button></form>',
    '<math><mi xlink:href="javascript:alert(1)">m</mi></math>',
    '<details open ontoggle="alert(1)">d</details>',
    '<video><source onerror="alert(1)"></video>',
    '"><script>alert(1)</script>',
    "'; alert(1); //",
    "<!--<script>alert(1)</script>-->",
    "{{7*7}} ${7*7} <%= 7*7 %>",
)

_ALLOWED = {
    "a", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "li", "ol", "p", "pre", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    # the page shell's own tags
    "html", "head", "body", "title", "meta", "style", "nav", "main", "header", "footer",
    "section", "article", "label", "input", "button", "time",
}  # fmt: skip
_URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "background", "data",
                   "dynsrc", "lowsrc", "ping", "poster", "xlink:href"}  # fmt: skip


def _safe_url(tag: str, attr: str, folded: str) -> bool:
    if tag == "img" and attr == "src":
        return folded.startswith(("data:image/png", "data:image/jpeg"))
    if tag == "a" and attr == "href":
        scheme = re.match(r"^([a-z][a-z0-9+.-]*):", folded)
        return scheme is None or scheme.group(1) in ("http", "https", "mailto")
    return False


def live_markup(page: str, shell_styles: int = 0) -> list[str]:
    """Everything active in ``page``; ``shell_styles`` = the page shell's own <style> blocks."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    found = []
    styles = soup.find_all("style")
    if len(styles) > shell_styles:
        found += [f"<style> {s.get_text()[:60]!r}" for s in styles[shell_styles:]]
    for tag in soup.find_all(True):
        if tag.name not in _ALLOWED:
            found.append(f"<{tag.name}>")
        for attr, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            folded = re.sub(r"[\x00-\x20]", "", value).lower()
            if attr.lower().startswith("on") or attr.lower() == "style":
                found.append(f"<{tag.name} {attr}=...>")
            elif attr.lower() in _URL_ATTRIBUTES and not _safe_url(tag.name, attr.lower(), folded):
                found.append(f"<{tag.name} {attr}={value[:40]!r}>")
            elif tag.name == "meta" and attr.lower() == "http-equiv":
                found.append(f"<meta http-equiv={value!r}>")
    return found
