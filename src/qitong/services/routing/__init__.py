"""Routing: the responsibility list, dispatch proposals, the classifier's suggestions (docs/routing.md).

Kept import-light: `services.tickets.effects` imports `responsibility`, and only `suggest`/`training`
load scikit-learn."""
