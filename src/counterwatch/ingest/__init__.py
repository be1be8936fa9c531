"""Readers that turn files, folders and URLs into sources (text, metadata and content hash). Import
the module you need: a layer that only holds a Source (the store) never loads the HTML and PDF readers."""
