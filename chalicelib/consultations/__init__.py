"""Community consultations and votes (社区议事协商, 业主投票): see README.md."""
