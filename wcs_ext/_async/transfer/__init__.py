"""Uploads and downloads of the client: the methods, and the stories they tell."""
