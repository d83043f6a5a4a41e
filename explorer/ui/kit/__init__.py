"""Building blocks with no page knowledge: images, figures, HTML rows, chart events, panels."""
