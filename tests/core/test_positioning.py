"""The positioning statement, assembled from its parts (Geoffrey Moore's template)."""

from pmdesk.core.launch_plan import positioning_statement


def test_every_part_in_its_place():
    text = positioning_statement(
        "Pump <&> 😀",
        target="field engineers",
        need="need live readings.",
        category="wireless gauge",
        benefit="cuts site visits",
        alternative="paper logs",
        differentiator="works offline",
    )
    assert text == (
        "For field engineers who need live readings, Pump <&> 😀 is a wireless "
        "gauge that cuts site visits. Unlike paper logs, it works offline."
    )


def test_missing_parts_show_as_placeholders_and_articles_follow_the_noun():
    text = positioning_statement("Pump", category="analytics suite")
    assert text.startswith("For [target] who [need], Pump is an analytics suite that [benefit].")
    assert text.endswith("Unlike [alternative], it [differentiator].")
    assert "is the leading gauge" in positioning_statement("P", category="the leading gauge")
    assert "is a [category]" in positioning_statement("P")
