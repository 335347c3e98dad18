import sys

from digitcam.cli import main

sys.exit(main())
