"""Fupin (扶贫): registry, dynamic monitoring and assistance for rural households."""
