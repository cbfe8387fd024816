"""The WSGI entry point gunicorn serves."""

from anb import create_app

app = create_app()
