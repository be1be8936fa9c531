"""Publish and exchange: the register in the formats investigators use (FtM, CSV, GeoJSON, GraphML,
GEXF, a full JSON dump), and the dump back in."""
