"""The site configuration (preseed) that IT staff put next to the executable."""
