"""Domain events: posts and moderation announce what happened, other domains react.

Receivers run inside the sender's transaction (add and flush, never commit), so a
notification or follow row is saved with the post that caused it, or not at all.
Keeping the senders unaware of the receivers keeps dependencies pointing one way.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# A post was written (thread opening or reply). It may be held: check `post.state`.
post_created = _signals.signal("post-created")
# A held post was approved by a facilitator and everyone can see it for the first time.
post_published = _signals.signal("post-published")
# A member viewed a page of a thread (keywords: `member`, `shown_up_to`, the highest post
# number on the page). The view commits after rendering, so receivers may add and flush.
thread_viewed = _signals.signal("thread-viewed")
