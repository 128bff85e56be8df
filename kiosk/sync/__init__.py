"""Qt-free signed content channel: manifests, publisher, fetcher and client."""
