"""Write the packaged default /etc/ipkiosk/kiosk.toml from kiosk.core.config.SETTINGS.

Every setting appears with its help text as a comment and its default, except the ones in
PACKAGE_VALUES: data_dir is /var/lib/ipkiosk, and touch_only is on because a packaged terminal is a
touch screen that must show no mouse pointer (the demo default keeps it for a developer's mouse).
Usage: python packaging/default_config.py OUT
"""

import sys

from kiosk.core import config

PACKAGE_VALUES = {"data_dir": "/var/lib/ipkiosk", "touch_only": True}


def render() -> str:
    values = dict(config.from_mapping(PACKAGE_VALUES).values)
    lines = config.to_toml(values).splitlines()
    out = ["# IP Service Kiosk settings. Check with: ipkiosk doctor",
           "# Every setting is described in /usr/share/doc/ipkiosk/configuration.md.", ""]
    for setting, line in zip(config.SETTINGS, lines, strict=True):
        out.append(f"# {setting.help}")
        out.append(line)
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    text = render()
    with open(sys.argv[1], "w", encoding="utf-8") as fh:
        fh.write(text)
    config.load(sys.argv[1])  # refuse to ship a file that does not load
