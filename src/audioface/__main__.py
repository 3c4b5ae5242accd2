from audioface.cli import entry

raise SystemExit(entry())
