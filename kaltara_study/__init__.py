"""kaltara-study: segmentation of Kaltara's Kopdes Merah Putih cooperatives by economic potential.

One module per stage (see the README's layout): config → io/schema → regions → clean → synth →
index → cluster → readiness → models → figures → build.
"""

__version__ = "0.1.0"
