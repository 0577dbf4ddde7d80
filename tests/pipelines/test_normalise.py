import pytest

from pipelines.normalise import as_text, html_to_text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>first</p><p>second</p>", "first\n\nsecond"),
        ("<p>line one<br>line two<br/>line three</p>", "line one\nline two\nline three"),
        (
            '<p>see <a href="https://x.example/1">the thread</a> &amp; more</p>',
            "see the thread & more",
        ),
        ("<p>caf&eacute; &#x4E2D;&#25991;</p>", "café 中文"),
        ("<p>a</p><script>alert(1)</script><style>p{}</style><p>b</p>", "a\n\nb"),
        ('<p><span class="h-card">@<span>bob</span></span> hi</p>', "@bob hi"),
    ],
)
def test_html_to_text(html, text):
    assert html_to_text(html) == text


def test_plain_text_is_left_as_it_is_but_tidied():
    assert as_text("5 < 6 and 7 > 3") == "5 < 6 and 7 > 3"
    assert as_text("  two   spaces\r\n\r\n\r\n\r\nend ") == "two spaces\n\nend"
