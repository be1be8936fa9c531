"""Training the extraction models on the annotated corpus, and the reviewed register as more gold."""
