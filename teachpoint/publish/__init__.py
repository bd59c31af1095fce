"""The publisher's tools: catalogue.csv, media probing, thumbnails, building a signed repository."""
