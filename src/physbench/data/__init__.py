"""Dataset retrieval: vendored snapshots or upstream downloads, always checksum-verified."""
