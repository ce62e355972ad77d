"""The annual-report pages: campaigns (``campaigns``), one report read (``reports``)."""
