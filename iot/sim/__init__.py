"""The device simulator's parts: daily rhythms, device models, the community fleet, provisioning."""
