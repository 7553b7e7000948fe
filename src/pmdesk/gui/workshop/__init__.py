"""Workshop mode: the presentation theme, the timer, dot voting and the presenter view."""
