"""Publishers: what sends our posts. A dry run here; the X publisher comes with the live source."""
