"""Turning contributed files into something safe to publish."""
