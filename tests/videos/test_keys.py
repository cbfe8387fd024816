"""The storage key layout, owned by one module."""

from anb.videos import keys


def test_layout_of_a_videos_files():
    assert keys.processed_key(7) == "processed/7.mp4"
    assert keys.poster_key(7) == "processed/7.jpg"
    assert keys.work_key(7, 2, "trimmed.mp4") == "work/7/2/trimmed.mp4"
    assert keys.work_key(7, 2, "x").startswith(keys.work_prefix(7, 2))
    assert keys.work_prefix(7, 2).startswith(keys.work_prefix(7))
    assert keys.work_video_id("work/7/2/trimmed.mp4") == 7 and keys.work_video_id("processed/7.mp4") is None
    assert keys.original_key("seed-3") == "original/seed-3.mp4"


def test_originals_get_unguessable_distinct_names():
    first, second = keys.original_key(), keys.original_key()

    assert first != second and first.startswith("original/") and len(first) > len("original/.mp4") + 30


def test_video_keys_lists_every_place_a_video_occupies():
    assert keys.video_keys("original/a.mp4", 7) == [
        "original/a.mp4", "processed/7.mp4", "processed/7.jpg", "work/7/"]
