"""Mentoring handbook generator: catalog in content/, handbook site and worksheets out."""

from __future__ import annotations

__version__ = "0.1.0"
