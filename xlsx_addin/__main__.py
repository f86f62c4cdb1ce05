import sys

from xlsx_addin.shells.cli import main

if __name__ == "__main__":
    sys.exit(main())
