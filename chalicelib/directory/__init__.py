"""Nearby services directory (一刻钟便民生活圈): service points per community, searched by distance."""
