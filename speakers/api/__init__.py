"""The API's foundation that every app's `api/` package builds on: who is asking (a personal
token, or the browser's session for the docs page), what a token's scope allows, and how
often a token may ask."""
