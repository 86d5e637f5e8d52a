"""studybot: the study core shared by every chat platform (exam packs, drops, answers, scores)."""
