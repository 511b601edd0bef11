"""The Solara web UI of adoptsim: What-if, Compare and Workshop views.

Everything here is UI: the model (model/) never imports from ui/. Pure logic that the
views share (scenario drafts, live runs, ensembles, workshop levers) lives in
`ui.state`, `ui.ensemble` and `ui.workshop` and is tested without a browser.
"""
