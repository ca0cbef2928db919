"""Kindred: an asynchronous, pseudonymous peer-support forum."""

from forum.app import create_app

__all__ = ["create_app"]
