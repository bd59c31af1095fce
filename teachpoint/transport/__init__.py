"""Where repository bytes come from: a folder, HTTP (the resumable downloader), and serving a PC's lessons."""
