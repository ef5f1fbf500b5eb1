"""Care subjects (居家养老): consent, family links, safety status, caring visits."""
