"""Driver scripts that run inside the ORIGINAL SDK's virtualenv (see ``tests/original_sdk.py``).

They are run as scripts by that virtualenv's python, never imported by the test suite.
"""
