"""Publishers: what sends our posts. A dry run for replays and the demo; X itself."""
