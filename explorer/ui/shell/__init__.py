"""The app's frame: navigation, sidebar, caches, guards, URL state, glossary, serving."""
