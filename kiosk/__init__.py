"""IP Service Kiosk — touch terminal software for Zhengzhou's IP public-information service workstations."""

__version__ = "0.1.0"
