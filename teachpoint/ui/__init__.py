"""The PySide6 user interface — the only part of TeachPoint that imports Qt or vlc.

``app.run_app`` starts it; ``tasks`` runs work off the GUI thread; ``queries`` reads the core for
the widgets; ``main_window`` (search, curriculum tree, lesson details) and ``player`` (libvlc
playback page) are what the teacher sees. Texts are English in the code, Chinese in
``assets/i18n``.
"""
