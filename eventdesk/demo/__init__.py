"""The demo event: a seeded, believable 24-hour Twitterthon as X filtered-stream JSON lines.

python -m eventdesk.demo kp24.jsonl.gz --posts 30000 --seed 24
"""

from eventdesk.demo.generator import generate_event, write_replay

__all__ = ["generate_event", "write_replay"]
