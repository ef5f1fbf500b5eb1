"""Service requests (接诉即办): filing, routing, handling, rating (好差评) and statistics."""
