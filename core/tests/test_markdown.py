"""Policy text in Markdown becomes safe HTML, with headings below the section's own heading."""

from core.markdown import plain_text, render_markdown


def test_headings_move_below_the_section_heading_and_lists_render():
    html = render_markdown("# Regler\n\n## Tone\n\n- venlig\n- saglig")

    assert html == "<h3>Regler</h3>\n<h4>Tone</h4>\n<ul>\n<li>venlig</li>\n<li>saglig</li>\n</ul>"


def test_scripts_handlers_and_javascript_links_are_removed():
    html = render_markdown(
        '<script>alert(1)</script>[link](javascript:alert(2)) <a href="https://fjordby.example" '
        'onclick="x()">ok</a> <img src=x onerror=y>'
    )

    assert "script" not in html
    assert "javascript" not in html
    assert "onclick" not in html and "onerror" not in html and "<img" not in html
    assert '<a href="https://fjordby.example" rel="noopener noreferrer">ok</a>' in html


def test_plain_text_drops_markup_and_unescapes():
    assert plain_text("Hej **du** & [dig](https://x.example)") == "Hej du & dig"
    assert plain_text("") == ""
